#include "diffinfo/app/measurement.h"

#include "diffinfo/app/inputs.h"
#include "diffinfo/info/knn_entropy.h"
#include "diffinfo/model/network.h"

#include <algorithm>

namespace diffinfo::app {

EntropyOptions measurement_options(EntropyOptions options, const RunConfig& config) {
  if (options.batch_size() <= 0) options.batch_size(image_network(config.model) ? kUNetBatch : EntropyOptions().batch_size());
  return options.time_sampling(config.objective.time_sampling()).s_min(config.objective.s_min());
}

int64_t posterior_batch(int64_t requested, const RunConfig& config) {
  return requested > 0 ? requested : image_network(config.model) ? kUNetBatch : kPosteriorBatch;
}

DivergenceOptions resolve_divergence(const std::string& method, DivergenceOptions options, int64_t dim) {
  return options.method(method == "auto" ? (dim <= kExactDivergenceMaxDim ? "exact" : "hutchinson") : method);
}

DataEntropy data_entropy_for(const std::string& spec_path, const torch::Tensor& x, uint64_t seed) {
  if (!spec_path.empty())
    return with_spec(spec_path, [&](const nlohmann::json& spec) {
      auto h = data_entropy(spec, x.size(1), seed);
      h.method += " from " + spec_path;
      return h;
    });
  const int64_t n = std::min<int64_t>(x.size(0), 20000);
  return {knn_entropy(x.slice(0, 0, n), 3),
          "k-NN estimate (Kozachenko-Leonenko, k = 3) on " + std::to_string(n) + " data rows; pass --exact SPEC for a known law"};
}

}  // namespace diffinfo::app
