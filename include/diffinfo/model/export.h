#pragma once
// diffinfo's own network written as a TorchScript module that PyTorch loads with torch.jit.load and
// diffinfo measures with --model (docs/own_models.md): forward(x [B, D], t [B] = s) or
// forward(x, t, y [B] int64 labels, K = the null label) returns the model's output — the residual e
// ("entropy") or the score ("score") — with the preconditioning of score_model.h and the forward
// process written out in TorchScript and the (EMA) weights as the module's parameters.
//
//   diffinfo::export_torchscript(*run.model, "vp6.pt");   // then torch.jit.load("vp6.pt")(x, t)
#include "diffinfo/model/score_model.h"

#include <string>

namespace diffinfo {

/// The TorchScript source of `model`'s forward (for docs and tests).
std::string torchscript_source(ScoreModel& model);

/// Writes `model` to `path` (atomically). Throws naming what it cannot write: MLPs and U-Nets,
/// unconditional or conditioned on labels, are written (DAEs, vector conditions and joint models not yet).
void export_torchscript(ScoreModel& model, const std::string& path);

}  // namespace diffinfo
