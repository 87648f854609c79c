/**
 * The speed machinery: backend selection (select.ts), fixes to the stock wasm kernels
 * (stock_fixes.ts), mvlm's own wasm kernels (wasm/, built from the AssemblyScript in kernels/), and
 * the optional native OpenBLAS products (native_blas.ts, native/blas.cc), and
 * the switches that turn each off for A/B timing (switches.ts, speed_fixes.ts).
 */
export * from './select';
export * from './switches';
export * from './speed_fixes';
export { NativeBlasInfo, nativeBlasInfo, setNativeBlasThreads } from './native_blas';
export { isWasmMatMulPatched } from './stock_fixes';
