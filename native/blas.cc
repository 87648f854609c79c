// Optional native products for the wasm backend: OpenBLAS's sgemm run in place on the wasm heap
// (an ArrayBuffer), loaded at run time with dlopen so the addon builds without BLAS headers and a
// machine without OpenBLAS simply keeps mvlm's wasm kernels.
#include <node_api.h>
#include <dlfcn.h>
#include <cstring>
#include <string>

namespace {

enum { kRowMajor = 101, kNoTrans = 111, kTrans = 112 };
typedef void (*Sgemm)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*, int);
typedef void (*SetThreads)(int);
typedef int (*GetThreads)();

Sgemm sgemm = nullptr;
SetThreads setThreads = nullptr;
GetThreads getThreads = nullptr;
std::string library;

napi_value Str(napi_env env, const std::string& s) {
  napi_value v;
  napi_create_string_utf8(env, s.c_str(), s.size(), &v);
  return v;
}

// load(candidates: string[]) -> the library path loaded, or null
napi_value Load(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  uint32_t n = 0;
  napi_get_array_length(env, argv[0], &n);
  for (uint32_t i = 0; i < n && !sgemm; i++) {
    napi_value item;
    napi_get_element(env, argv[0], i, &item);
    char path[1024];
    size_t len = 0;
    napi_get_value_string_utf8(env, item, path, sizeof path, &len);
    void* handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) continue;
    sgemm = reinterpret_cast<Sgemm>(dlsym(handle, "cblas_sgemm"));
    setThreads = reinterpret_cast<SetThreads>(dlsym(handle, "openblas_set_num_threads"));
    getThreads = reinterpret_cast<GetThreads>(dlsym(handle, "openblas_get_num_threads"));
    if (sgemm && setThreads && getThreads) library = path;
    else {
      sgemm = nullptr;
      dlclose(handle);
    }
  }
  napi_value result;
  if (sgemm) return Str(env, library);
  napi_get_null(env, &result);
  return result;
}

// threads(n?: number) -> threads in use (sets them first when n is given)
napi_value Threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  napi_value result;
  if (!sgemm) {
    napi_throw_error(env, nullptr, "mvlm native BLAS: not loaded");
    return nullptr;
  }
  if (argc == 1) {
    int32_t n = 1;
    napi_get_value_int32(env, argv[0], &n);
    setThreads(n);
  }
  napi_create_int32(env, getThreads(), &result);
  return result;
}

// gemm(heap: ArrayBuffer, batch, m, n, k, transA, transB, a, b, c, strideA, strideB, bias)
// C[i] (+)= op(A[i]) · op(B[i]) for i < batch, row-major; a, b, c, bias are byte offsets into the
// heap, strides in floats (0 = the same matrix for every i); bias (0 = none) is [n], added per row.
napi_value Gemm(napi_env env, napi_callback_info info) {
  size_t argc = 13;
  napi_value argv[13];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != 13 || !sgemm) {
    napi_throw_error(env, nullptr, !sgemm ? "mvlm native BLAS: not loaded" : "gemm: expects 13 arguments");
    return nullptr;
  }
  void* data = nullptr;
  size_t bytes = 0;
  if (napi_get_arraybuffer_info(env, argv[0], &data, &bytes) != napi_ok) {
    napi_throw_type_error(env, nullptr, "gemm: heap is not an ArrayBuffer");
    return nullptr;
  }
  int64_t v[12];
  for (int i = 0; i < 12; i++) napi_get_value_int64(env, argv[i + 1], &v[i]);
  const int64_t batch = v[0], m = v[1], n = v[2], k = v[3];
  const bool ta = v[4] != 0, tb = v[5] != 0;
  const int64_t pa = v[6], pb = v[7], pc = v[8], sa = v[9], sb = v[10], pbias = v[11];
  const int64_t lastA = pa + 4 * ((batch - 1) * sa + m * k), lastB = pb + 4 * ((batch - 1) * sb + k * n);
  const int64_t lastC = pc + 4 * batch * m * n;
  if (pa < 0 || pb < 0 || pc < 0 || lastA > (int64_t)bytes || lastB > (int64_t)bytes || lastC > (int64_t)bytes || pbias + 4 * n > (int64_t)bytes) {
    napi_throw_range_error(env, nullptr, "gemm: operand outside the heap");
    return nullptr;
  }
  char* heap = static_cast<char*>(data);
  const float* bias = pbias ? reinterpret_cast<const float*>(heap + pbias) : nullptr;
  for (int64_t i = 0; i < batch; i++) {
    const float* A = reinterpret_cast<const float*>(heap + pa) + i * sa;
    const float* B = reinterpret_cast<const float*>(heap + pb) + i * sb;
    float* C = reinterpret_cast<float*>(heap + pc) + i * m * n;
    if (bias)
      for (int64_t r = 0; r < m; r++) std::memcpy(C + r * n, bias, 4 * n);
    sgemm(kRowMajor, ta ? kTrans : kNoTrans, tb ? kTrans : kNoTrans, (int)m, (int)n, (int)k, 1.0f, A, ta ? (int)m : (int)k, B,
          tb ? (int)k : (int)n, bias ? 1.0f : 0.0f, C, (int)n);
  }
  return nullptr;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"load", nullptr, Load, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"threads", nullptr, Threads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gemm", nullptr, Gemm, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, 3, props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
