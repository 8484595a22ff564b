#pragma once
// Image data sets in their standard formats, as uint8 tensors with labels, and the explicit steps
// from bytes to training data: scaling to [−1, 1] or [0, 1] and subsetting by count and class.
//   IDX (LeCun's MNIST format, also Fashion-MNIST): big-endian magic 0x00 0x00 0x08 ndim, ndim
//       uint32 sizes, then unsigned bytes; read plain or gzip-compressed (zlib detects which).
//   CIFAR-10 binary batches: records of 1 label byte + 3072 bytes (3 × 32 × 32, channel-major).
//
//   auto d = diffinfo::read_idx_images("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
//   d = diffinfo::subset_images(d, 1000, {0, 1}, 0);          // 1000 images of classes 0 and 1
//   auto x = diffinfo::scale_images(d.images, "minus-one-one"); // [N, 1, 28, 28] float32 in [−1, 1]
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace diffinfo {

struct LabelledImages {
  torch::Tensor images;  ///< [N, C, H, W] uint8
  torch::Tensor labels;  ///< [N] int64
};

/// The array in an IDX file, uint8 of its stored shape ([N] labels, [N, H, W] images); a wrong magic
/// number, a truncated file, trailing bytes or a corrupt gzip stream throws naming the file.
torch::Tensor read_idx(const std::string& path);
/// Writes a uint8 array as IDX, gzip-compressed when `path` ends in .gz (atomically).
void write_idx(const std::string& path, const torch::Tensor& array);

/// An IDX image file [N, H, W] and its IDX label file [N] -> [N, 1, H, W] images and labels.
LabelledImages read_idx_images(const std::string& images_path, const std::string& labels_path);
/// CIFAR-10 binary batches (data_batch_1.bin …) -> [N, 3, 32, 32] images and labels 0…9, in file order.
LabelledImages read_cifar10(const std::vector<std::string>& paths);
/// Writes images and labels as one CIFAR-10 binary batch (for tests and conversions).
void write_cifar10(const std::string& path, const LabelledImages& data);

/// uint8 images -> float32 scaled by `range`: "minus-one-one" (x/127.5 − 1) or "zero-one" (x/255).
torch::Tensor scale_images(const torch::Tensor& images, const std::string& range);
/// The value interval of a scaling name: {−1, 1} or {0, 1}.
std::pair<double, double> image_range(const std::string& range);
/// The known scalings, in order.
std::vector<std::string> image_range_names();

/// The images of `classes` (all when empty), then `n` of them drawn without replacement with `seed`
/// (all when n = 0 or n ≥ what is left), kept in file order; throws when a class has no image.
LabelledImages subset_images(const LabelledImages& data, int64_t n, const std::vector<int64_t>& classes, uint64_t seed);

}  // namespace diffinfo
