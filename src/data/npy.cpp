#include "diffinfo/data/npy.h"

#include "diffinfo/io/files.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the .npy reader assumes a little-endian host");

namespace diffinfo {
namespace {

// The longest header read (NumPy writes under 100 bytes for a 2-D array; it reads up to 10000).
constexpr uint32_t kMaxHeader = 1 << 16;
constexpr long long kMaxDim = 1LL << 40;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::runtime_error(path + ": " + what);
}

struct Dtype {
  const char* descr;
  torch::ScalarType type;
};
const Dtype kDtypes[] = {{"<f4", torch::kFloat32}, {"<f8", torch::kFloat64}, {"<i4", torch::kInt32},
                         {"<i8", torch::kInt64},   {"|u1", torch::kUInt8},   {"<u1", torch::kUInt8}};

// The text after `'key':` in the header dict, with leading spaces removed.
std::string value_after(const std::string& header, const std::string& key, const std::string& path) {
  const auto pos = header.find("'" + key + "'");
  if (pos == std::string::npos) fail(path, "malformed .npy header: no '" + key + "' entry");
  auto colon = header.find(':', pos);
  if (colon == std::string::npos) fail(path, "malformed .npy header near '" + key + "'");
  auto rest = header.substr(colon + 1);
  rest.erase(0, rest.find_first_not_of(' '));
  return rest;
}

std::vector<int64_t> parse_shape(const std::string& text, const std::string& path) {
  if (text.empty() || text[0] != '(') fail(path, "malformed .npy header: shape is not a tuple");
  const auto close = text.find(')');
  if (close == std::string::npos) fail(path, "malformed .npy header: unterminated shape");
  std::vector<int64_t> shape;
  std::stringstream ss(text.substr(1, close - 1));
  std::string item;
  while (std::getline(ss, item, ',')) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item.empty()) continue;
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(item.c_str(), &end, 10);
    if (*end != '\0' || v < 0 || errno == ERANGE) fail(path, "malformed .npy header: bad dimension '" + excerpt(item) + "'");
    if (v > kMaxDim) fail(path, "malformed .npy header: dimension " + std::to_string(v) + " is larger than any file");
    shape.push_back(v);
    if (shape.size() > 8) fail(path, "malformed .npy header: more than 8 dimensions");
  }
  return shape;
}

}  // namespace

torch::Tensor read_npy(const std::string& path) {
  const int64_t file_size = regular_file_size(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot read (no such file, or no permission)");
  char magic[8] = {};
  in.read(magic, 8);
  if (in.gcount() < 8 || std::memcmp(magic, "\x93NUMPY", 6) != 0) fail(path, "not a NumPy .npy file (bad magic)");
  const int major = static_cast<unsigned char>(magic[6]);
  if (major < 1 || major > 3) fail(path, "unsupported .npy version " + std::to_string(major));
  uint32_t header_len = 0;
  unsigned char len_bytes[4] = {};
  const int len_size = major == 1 ? 2 : 4;
  in.read(reinterpret_cast<char*>(len_bytes), len_size);
  if (in.gcount() < len_size) fail(path, "truncated .npy header");
  for (int i = len_size - 1; i >= 0; --i) header_len = header_len << 8 | len_bytes[i];
  // What the header claims is checked against the file before anything is allocated for it.
  if (int64_t(header_len) > file_size - 8 - len_size)
    fail(path, "truncated .npy header (it claims " + std::to_string(header_len) + " bytes, the file holds " +
                   std::to_string(file_size) + ")");
  if (header_len > kMaxHeader) fail(path, "malformed .npy header: longer than " + std::to_string(kMaxHeader) + " bytes");
  std::string header(header_len, '\0');
  in.read(header.data(), header_len);
  if (static_cast<uint32_t>(in.gcount()) < header_len) fail(path, "truncated .npy header");

  std::string descr = value_after(header, "descr", path);
  if (descr.size() < 2 || descr[0] != '\'') fail(path, "malformed .npy header: descr is not a string");
  descr = descr.substr(1, descr.find('\'', 1) - 1);
  const Dtype* dtype = nullptr;
  for (const auto& d : kDtypes)
    if (descr == d.descr) dtype = &d;
  if (!dtype) {
    if (!descr.empty() && descr[0] == '>') fail(path, "big-endian data ('" + excerpt(descr) + "') are not supported");
    fail(path, "unsupported dtype '" + excerpt(descr) + "' (expected float32, float64, int32, int64 or uint8)");
  }
  if (value_after(header, "fortran_order", path).rfind("False", 0) != 0)
    fail(path, "Fortran-order arrays are not supported (save with numpy.ascontiguousarray)");
  const auto shape = parse_shape(value_after(header, "shape", path), path);

  const int64_t item = static_cast<int64_t>(c10::elementSize(dtype->type));
  const int64_t data_bytes = file_size - 8 - len_size - int64_t(header_len);
  int64_t count = 1, needed = 0;
  bool overflow = false;
  for (auto d : shape) overflow |= __builtin_mul_overflow(count, d, &count);
  overflow |= __builtin_mul_overflow(count, item, &needed);
  if (overflow) fail(path, "malformed .npy header: shape " + c10::str(c10::IntArrayRef(shape)) + " is larger than any file");
  if (needed > data_bytes) {  // before anything is allocated for it
    std::ostringstream msg;
    msg << "truncated: shape " << c10::IntArrayRef(shape) << " needs " << needed << " bytes of data, found " << data_bytes;
    fail(path, msg.str());
  }
  auto tensor = torch::empty(shape, dtype->type);
  in.read(static_cast<char*>(tensor.data_ptr()), count * item);
  const int64_t got = in.gcount();
  if (got < count * item) {
    std::ostringstream msg;
    msg << "truncated: shape " << c10::IntArrayRef(shape) << " needs " << count * item << " bytes of data, found "
        << got;
    fail(path, msg.str());
  }
  if (in.peek() != std::char_traits<char>::eof()) fail(path, "malformed: extra bytes after the array data");
  return tensor;
}

void write_npy(const std::string& path, const torch::Tensor& array) {
  auto t = array.detach().to(torch::kCPU).contiguous();
  const char* descr = nullptr;
  for (const auto& d : kDtypes)
    if (t.scalar_type() == d.type && !descr) descr = d.descr;
  TORCH_CHECK(descr, path, ": cannot write dtype ", t.scalar_type(), " (float32, float64, int32, int64, uint8)");
  std::string shape;
  for (int64_t i = 0; i < t.dim(); ++i) shape += (i ? ", " : "") + std::to_string(t.size(i));
  shape = "(" + shape + (t.dim() == 1 ? ",)" : ")");  // Python's tuple syntax
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  replace_atomically(path, [&](const std::string& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    const uint16_t len = static_cast<uint16_t>(header.size());
    out.write("\x93NUMPY\x01\x00", 8);
    out.put(static_cast<char>(len & 0xff));
    out.put(static_cast<char>(len >> 8));
    out.write(header.data(), header.size());
    out.write(static_cast<const char*>(t.data_ptr()), t.numel() * t.element_size());
    out.close();
    if (!out) throw std::runtime_error(path + ": cannot write");
  });
}

}  // namespace diffinfo
