#!/bin/sh
# Builds the kernels with Debian clang + lld (wasm32, SIMD128, no libc): fused_rnn.wasm and
# fused_rnn_mt.wasm (shared memory, for worker threads) from fused_rnn.c and heap_kernels.wasm
# from heap_kernels.c, into the directory given (default: here, which also regenerates the base64
# copies of fused_rnn.wasm and heap_kernels.wasm in ../src, for bundles; Node.js reads
# fused_rnn_mt.wasm from this folder).
set -eu
cd "$(dirname "$0")"
CLANG="${CLANG:-clang}"
OUT="${1:-.}"
FLAGS="--target=wasm32 -nostdlib -O3 -msimd128 -mbulk-memory -ffp-contract=off -Wall -Wextra -Wno-unused-parameter -Wl,--no-entry -Wl,--strip-all"
# shellcheck disable=SC2086
"$CLANG" $FLAGS -Wl,--export=__heap_base -Wl,--initial-memory=1048576 -o "$OUT/fused_rnn.wasm" fused_rnn.c
# The threaded build: memory imported (shared, up to 2 GB), thread-local statics (local-exec TLS:
# each instance calls __wasm_init_tls on its own block) and each instance's own stack pointer.
# shellcheck disable=SC2086
"$CLANG" $FLAGS -DSEQPIPE_THREADS -matomics -mmutable-globals -ftls-model=local-exec \
  -Wl,--shared-memory -Wl,--import-memory -Wl,--initial-memory=1048576 -Wl,--max-memory=2147483648 \
  -Wl,--export=__heap_base -Wl,--export=__wasm_init_tls -Wl,--export=__tls_size \
  -Wl,--export=__tls_align -Wl,--export=__stack_pointer -o "$OUT/fused_rnn_mt.wasm" fused_rnn.c
# heap_kernels runs in tfjs-backend-wasm's memory: it imports it and must not own any of it.
# shellcheck disable=SC2086
"$CLANG" $FLAGS -Wl,--import-memory -o "$OUT/heap_kernels.wasm" heap_kernels.c
if command -v llvm-objdump >/dev/null; then
  if llvm-objdump -h "$OUT/heap_kernels.wasm" | grep -q DATA ||
    llvm-objdump -d "$OUT/heap_kernels.wasm" | grep -q 'global\.[gs]et'; then
    echo "heap_kernels.wasm has static data or uses the stack: it would write into tfjs' memory" >&2
    exit 1
  fi
fi
if [ "$OUT" = . ]; then
  node embed-wasm.mjs fused_rnn.wasm ../src/fused/fused-rnn-wasm.ts FUSED_RNN
  node embed-wasm.mjs heap_kernels.wasm ../src/kernels/heap-kernels-wasm.ts HEAP_KERNELS
fi
