#!/bin/sh
# Builds fused_rnn.wasm from fused_rnn.c with Debian clang + lld (wasm32, SIMD128, no libc)
# and regenerates ../src/fused/fused-rnn-wasm.ts (the same bytes, base64, for bundles).
set -eu
cd "$(dirname "$0")"
CLANG="${CLANG:-clang}"
OUT="${1:-fused_rnn.wasm}"
"$CLANG" --target=wasm32 -nostdlib -O3 -msimd128 -mbulk-memory -ffp-contract=off \
  -Wall -Wextra -Wno-unused-parameter \
  -Wl,--no-entry -Wl,--export=__heap_base -Wl,--initial-memory=1048576 \
  -Wl,--strip-all -o "$OUT" fused_rnn.c
if [ "$OUT" = fused_rnn.wasm ]; then node embed-wasm.mjs fused_rnn.wasm ../src/fused/fused-rnn-wasm.ts; fi
