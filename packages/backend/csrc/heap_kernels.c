/*
 * seqpipe kernels that run inside tfjs-backend-wasm's own memory (imported, not copied): the
 * JS side passes the byte offsets of tfjs tensors. This module must own no memory of its own:
 * no static data and no stack (every value stays in locals), since its addresses are tfjs'.
 * The build checks that (csrc/build.sh: no data section, no stack pointer use).
 *
 * Build: npm run build:kernels -w @seqpipe/backend (clang --target=wasm32 -nostdlib -O3
 * -msimd128 -ffp-contract=off, lld --import-memory).
 */
#include <wasm_simd128.h>

typedef float f32;

#define EXPORT(name) __attribute__((export_name(#name)))

/*
 * One Adam step over n floats, as tfjs' AdamOptimizer computes it op by op (float32, the same
 * operations in the same order, so the results are bit for bit tfjs'):
 *  m' = m b1 + g c1, v' = v b2 + (g g) c2,
 *  value' = ((m' / om1) / (sqrt(v' / om2) + eps)) nlr + value
 * with c1 = 1 - b1, c2 = 1 - b2, om1 = 1 - b1^t, om2 = 1 - b2^t, nlr = -learning rate.
 * Outputs go to new buffers (tfjs tensors are immutable).
 */
EXPORT(adam_update)
void adam_update(int n, const f32 *value, const f32 *m, const f32 *v, const f32 *g, f32 *value_out,
                 f32 *m_out, f32 *v_out, f32 b1, f32 c1, f32 b2, f32 c2, f32 om1, f32 om2, f32 eps,
                 f32 nlr) {
  const v128_t vb1 = wasm_f32x4_splat(b1), vc1 = wasm_f32x4_splat(c1);
  const v128_t vb2 = wasm_f32x4_splat(b2), vc2 = wasm_f32x4_splat(c2);
  const v128_t vom1 = wasm_f32x4_splat(om1), vom2 = wasm_f32x4_splat(om2);
  const v128_t veps = wasm_f32x4_splat(eps), vnlr = wasm_f32x4_splat(nlr);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t gv = wasm_v128_load(g + i);
    const v128_t mn = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), vb1), wasm_f32x4_mul(gv, vc1));
    const v128_t vn = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), vb2),
                                     wasm_f32x4_mul(wasm_f32x4_mul(gv, gv), vc2));
    const v128_t den = wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(vn, vom2)), veps);
    const v128_t step = wasm_f32x4_mul(wasm_f32x4_div(wasm_f32x4_div(mn, vom1), den), vnlr);
    wasm_v128_store(m_out + i, mn);
    wasm_v128_store(v_out + i, vn);
    wasm_v128_store(value_out + i, wasm_f32x4_add(step, wasm_v128_load(value + i)));
  }
  for (; i < n; i++) {
    const f32 gs = g[i];
    const f32 mn = m[i] * b1 + gs * c1, vn = v[i] * b2 + (gs * gs) * c2;
    m_out[i] = mn;
    v_out[i] = vn;
    value_out[i] = ((mn / om1) / (__builtin_sqrtf(vn / om2) + eps)) * nlr + value[i];
  }
}
