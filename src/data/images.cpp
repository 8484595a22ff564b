#include "diffinfo/data/images.h"

#include "diffinfo/names.h"
#include "diffinfo/io/files.h"
#include "diffinfo/random.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace diffinfo {
namespace {

// The bytes of a plain or gzip file (gzread passes plain files through), at most `limit` of them:
// `more` tells whether the file holds more. Memory grows with what is read, never with what a header claims.
std::string read_bytes(const std::string& path, size_t limit, bool* more = nullptr) {
  (void)regular_file_size(path);  // a directory or a missing file, named
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error(path + ": cannot read");
  std::string bytes;
  char buf[1 << 16];
  int got = 0;
  while (bytes.size() < limit && (got = gzread(f, buf, unsigned(std::min(sizeof buf, limit - bytes.size())))) > 0)
    bytes.append(buf, got);
  if (more != nullptr && got >= 0) {
    got = gzread(f, buf, 1);
    *more = got > 0;
  }
  // A stream cut short reads as far as it goes and then sets Z_BUF_ERROR.
  int err = Z_OK;
  const std::string msg = gzerror(f, &err);
  gzclose(f);
  if (got < 0 || (err != Z_OK && err != Z_STREAM_END))
    throw std::runtime_error(path + ": corrupt or truncated gzip stream (" + msg + ")");
  return bytes;
}

// Largest image file read (all of CIFAR-10 is 180 MB, MNIST's training images 47 MB).
constexpr size_t kMaxImageBytes = size_t{4} << 30;

uint32_t big_endian(const std::string& b, size_t at) {
  return (uint32_t(uint8_t(b[at])) << 24) | (uint32_t(uint8_t(b[at + 1])) << 16) | (uint32_t(uint8_t(b[at + 2])) << 8) |
         uint32_t(uint8_t(b[at + 3]));
}

}  // namespace

torch::Tensor read_idx(const std::string& path) {
  auto b = read_bytes(path, 4 + 4 * 4);
  if (b.size() < 4 || b[0] != 0 || b[1] != 0 || uint8_t(b[2]) != 0x08 || b[3] < 1 || b[3] > 4) {
    char magic[16] = "(short)";
    if (b.size() >= 4) std::snprintf(magic, sizeof magic, "%02x%02x%02x%02x", uint8_t(b[0]), uint8_t(b[1]), uint8_t(b[2]), uint8_t(b[3]));
    throw std::runtime_error(path + ": not an unsigned-byte IDX file (magic " + magic +
                             ", expected 000008 followed by 1-4 dimensions)");
  }
  const int ndim = b[3];
  const size_t header = 4 + 4 * size_t(ndim);
  if (b.size() < header) throw std::runtime_error(path + ": truncated IDX header");
  std::vector<int64_t> shape;
  size_t count = 1;
  for (int i = 0; i < ndim; ++i) {
    shape.push_back(big_endian(b, 4 + 4 * i));
    if (shape.back() == 0) throw std::runtime_error(path + ": IDX dimension " + std::to_string(i) + " is 0 (expected a non-empty array)");
    count *= size_t(shape.back());
    if (count > kMaxImageBytes)
      throw std::runtime_error(path + ": the IDX header claims more than " + std::to_string(kMaxImageBytes >> 30) +
                               " GiB of data");
  }
  bool more = false;
  b = read_bytes(path, header + count, &more);  // never more than the header claims
  const size_t body = b.size() - header;
  if (body != count || more)
    throw std::runtime_error(path + ": the header promises " + std::to_string(count) + " bytes of data, the file holds " +
                             (more ? "more" : std::to_string(body)) + (body < count ? " (truncated)" : " (trailing bytes)"));
  auto out = torch::empty(shape, torch::kUInt8);
  std::memcpy(out.data_ptr<uint8_t>(), b.data() + header, count);
  return out;
}

void write_idx(const std::string& path, const torch::Tensor& array) {
  TORCH_CHECK(array.scalar_type() == torch::kUInt8 && array.dim() >= 1 && array.dim() <= 4,
              "IDX arrays are uint8 with 1-4 dimensions, got ", array.scalar_type(), " ", array.sizes());
  auto a = array.contiguous().cpu();
  std::string b = {0, 0, 0x08, char(a.dim())};
  for (auto s : a.sizes())
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(char((uint32_t(s) >> shift) & 0xff));
  b.append(reinterpret_cast<const char*>(a.data_ptr<uint8_t>()), a.numel());
  replace_atomically(path, [&](const std::string& tmp) {
    gzFile f = gzopen(tmp.c_str(), ends_with(path, ".gz") ? "wb" : "wbT");  // T: no compression
    if (!f || gzwrite(f, b.data(), unsigned(b.size())) != int(b.size()) || gzclose(f) != Z_OK)
      throw std::runtime_error(path + ": cannot write");
  });
}

LabelledImages read_idx_images(const std::string& images_path, const std::string& labels_path) {
  auto images = read_idx(images_path);
  auto labels = read_idx(labels_path);
  if (images.dim() != 3)
    throw std::runtime_error(images_path + ": expected IDX images [N, H, W], got " + std::to_string(images.dim()) + " dimensions");
  if (labels.dim() != 1)
    throw std::runtime_error(labels_path + ": expected IDX labels [N], got " + std::to_string(labels.dim()) + " dimensions");
  if (labels.size(0) != images.size(0))
    throw std::runtime_error(labels_path + ": holds " + std::to_string(labels.size(0)) + " labels, " + images_path +
                             " holds " + std::to_string(images.size(0)) + " images");
  return {images.unsqueeze(1), labels.to(torch::kInt64)};
}

LabelledImages read_cifar10(const std::vector<std::string>& paths) {
  TORCH_CHECK(!paths.empty(), "CIFAR-10 needs at least one batch file");
  constexpr size_t kRecord = 1 + 3 * 32 * 32;
  std::vector<torch::Tensor> images, labels;
  for (const auto& path : paths) {
    bool more = false;
    const auto b = read_bytes(path, kMaxImageBytes, &more);
    if (more) throw std::runtime_error(path + ": more than " + std::to_string(kMaxImageBytes >> 30) + " GiB (expected a CIFAR-10 batch)");
    if (b.empty() || b.size() % kRecord != 0)
      throw std::runtime_error(path + ": " + std::to_string(b.size()) + " bytes is not a whole number of CIFAR-10 records (" +
                               std::to_string(kRecord) + " bytes each)");
    const int64_t n = int64_t(b.size() / kRecord);
    auto raw = torch::from_blob(const_cast<char*>(b.data()), {n, int64_t(kRecord)}, torch::kUInt8).clone();
    auto y = raw.select(1, 0).to(torch::kInt64);
    if (y.max().item<int64_t>() > 9)
      throw std::runtime_error(path + ": a label byte exceeds 9 (not a CIFAR-10 batch: CIFAR-100 has 2 label bytes)");
    labels.push_back(y);
    images.push_back(raw.narrow(1, 1, kRecord - 1).reshape({n, 3, 32, 32}));
  }
  return {torch::cat(images), torch::cat(labels)};
}

void write_cifar10(const std::string& path, const LabelledImages& d) {
  TORCH_CHECK(d.images.scalar_type() == torch::kUInt8 && d.images.dim() == 4 && d.images.size(1) == 3 &&
                  d.images.size(2) == 32 && d.images.size(3) == 32 && d.labels.dim() == 1 &&
                  d.labels.size(0) == d.images.size(0),
              "CIFAR-10 batches hold [N, 3, 32, 32] uint8 images and N labels");
  auto rec = torch::cat({d.labels.to(torch::kUInt8).unsqueeze(1), d.images.reshape({d.images.size(0), -1})}, 1).contiguous();
  const std::string b(reinterpret_cast<const char*>(rec.data_ptr<uint8_t>()), rec.numel());
  write_text_atomic(path, b);
}

std::vector<std::string> image_range_names() { return {"minus-one-one", "zero-one"}; }

std::pair<double, double> image_range(const std::string& range) {
  if (range == "minus-one-one") return {-1.0, 1.0};
  if (range == "zero-one") return {0.0, 1.0};
  TORCH_CHECK(false, unknown_name("image scaling", range, image_range_names()));
}

torch::Tensor scale_images(const torch::Tensor& images, const std::string& range) {
  TORCH_CHECK(images.scalar_type() == torch::kUInt8, "scaling takes uint8 images, got ", images.scalar_type());
  const auto [low, high] = image_range(range);
  return images.to(torch::kFloat32) * float((high - low) / 255.0) + float(low);
}

LabelledImages subset_images(const LabelledImages& d, int64_t n, const std::vector<int64_t>& classes, uint64_t seed) {
  TORCH_CHECK(n >= 0, "subset size must be >= 0, got ", n);
  auto keep = torch::ones({d.labels.size(0)}, torch::kBool);
  if (!classes.empty()) {
    keep = torch::zeros_like(keep);
    for (const auto c : classes) {
      auto hit = d.labels == c;
      TORCH_CHECK(hit.any().item<bool>(), "no image of class ", c, " in the data");
      keep |= hit;
    }
  }
  auto idx = keep.nonzero().reshape({-1});
  if (n > 0 && n < idx.size(0)) {
    auto gen = make_generator(seed);
    auto order = torch::randperm(idx.size(0), gen, torch::kInt64).narrow(0, 0, n);
    idx = std::get<0>(idx.index_select(0, order).sort());
  }
  return {d.images.index_select(0, idx), d.labels.index_select(0, idx)};
}

}  // namespace diffinfo
