#pragma once
// Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", arXiv 1412.6980, Algorithm 1, as
// torch::optim::Adam computes it) and the EMA of the weights, over flat buffers: the parameters, their
// gradients, Adam's two moments and the EMA copy each live in one contiguous tensor, of which the
// network's tensors are views. A step is then one pass over memory on the CPU (a few kernels on a GPU)
// instead of about ten kernels for every parameter tensor (docs/performance.md).
//
//   torch::optim::Adam adam(groups, options);            // checkpoints save and load through it
//   load_checkpoint(path, config, net, ema, &adam);       // if resuming: before the flattening
//   diffinfo::FlatAdam flat(adam, net->parameters(), ema->parameters());
//   flat.zero_grad(); loss.backward(); flat.step(decay);   // lr: adam's group options, as for adam.step()

#include <torch/torch.h>

#include <vector>

namespace diffinfo {

class FlatAdam {
 public:
  /// Moves the parameters of `adam`'s groups (each a parameter of `params`), their EMA copies (`ema`, in
  /// the order of `params`) and `adam`'s moments into flat buffers, keeping every value. `adam`'s state
  /// holds views of the moments, so its save and load see what step() updates; the parameters' .grad()
  /// are views of grad(). Options other than lr and betas/eps (weight decay, AMSGrad) are refused.
  FlatAdam(torch::optim::Adam& adam, const std::vector<torch::Tensor>& params, const std::vector<torch::Tensor>& ema);

  void zero_grad() { grad_.zero_(); }
  /// One Adam step of each group at the learning rate its options hold, then ema ← d·ema + (1 − d)·params.
  void step(double ema_decay);
  /// Every gradient in one tensor, e.g. for a single all-reduce across ranks.
  torch::Tensor& grad() { return grad_; }

 private:
  struct Group {
    int64_t begin, end;  // elements of the flat buffers
    std::vector<torch::optim::AdamParamState*> states;
  };
  torch::optim::Adam& adam_;
  torch::Tensor param_, grad_, exp_avg_, exp_avg_sq_, ema_;
  std::vector<Group> groups_;
};

}  // namespace diffinfo
