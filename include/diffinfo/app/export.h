#pragma once
// `diffinfo export`: a run's (EMA) network as a TorchScript module with its card beside it, for
// torch.jit.load in PyTorch and for --model in diffinfo (docs/own_models.md).
//
//   auto r = diffinfo::app::run_export({"runs/vp6", "vp6.pt"});   // writes vp6.pt and vp6.json
#include "diffinfo/app/report.h"

#include <string>

namespace diffinfo::app {

struct ExportRequest {
  std::string run;  ///< a run directory written by 'diffinfo train'
  std::string out;  ///< FILE.pt; the card goes to FILE.json
};

Report run_export(const ExportRequest& request);

}  // namespace diffinfo::app
