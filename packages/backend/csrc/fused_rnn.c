/*
 * seqpipe fused recurrent kernels: whole-sequence LSTM forward (keeping activations) and
 * backward (BPTT) as single calls, WebAssembly SIMD128, no libc.
 *
 * Build: npm run build:kernels -w @seqpipe/backend (clang --target=wasm32 -nostdlib -O3
 * -msimd128 -mbulk-memory, lld). Memory is owned by the JS side (fused-rnn-module.ts), which
 * passes byte offsets. All matrices are row-major float32.
 *
 * Two builds of this file: fused_rnn.wasm (its own memory, one thread) and fused_rnn_mt.wasm
 * (-DSEQPIPE_THREADS: imports a shared memory that worker threads' instances of it use too,
 * kernel-threads.ts). Per-thread state is then thread-local (each instance sets its own TLS
 * block and stack, both in the shared memory).
 *
 * Keras LSTM semantics: z = x W + h U + b, gates in the order i, f, c(g), o;
 * i, f, o = sigmoid(.), g = tanh(.), c' = f c + i g, h' = o tanh(c').
 *
 * Masks (tfjs-layers' `rnn` semantics): every kernel takes `mask` [B,T] (0 = no mask), one
 * float per (batch row, step), 0 = masked. At a masked step the states carry over unchanged
 * (h_t = h_{t-1}, c_t = c_{t-1}), so the step's output is the previous h; backward passes dh_t
 * (plus the step's output gradient) and dc_t straight to step t-1 and the step contributes
 * nothing to dx, dW, dU, db. Checked once per (row, step), never inside the element loops.
 */
#include <wasm_simd128.h>

typedef float f32;

#define EXPORT(name) __attribute__((export_name(#name)))

#ifdef SEQPIPE_THREADS
#define PER_THREAD _Thread_local
#else
#define PER_THREAD
#endif

/* ---------- math: tanh, sigmoid (own approximations; no libc) ---------- */

#define SPLAT wasm_f32x4_splat
#define MUL_ADD(a, b, c) wasm_f32x4_add(wasm_f32x4_mul(a, b), c)

/* tanh(x) as Eigen's float tanh: x p(x^2) / q(x^2), degree 13/6 rational on [-7.9, 7.9] (beyond,
 * tanh rounds to +-1 within 3e-7); max absolute error ~4e-7. The polynomials are evaluated in
 * Estrin's scheme (short dependency chains). One division and no exp: ~1.9x faster than
 * sign(x) (1 - e) / (1 + e), e = exp(-2|x|), which the activations' cost was dominated by. */
static inline v128_t v_tanh(v128_t a) {
  /* The clamp uses pmin/pmax (b < a ? b : a): one minps/maxps each on x64, where V8 expands
   * f32x4.min/max into ~8 instructions for their NaN and -0 rules. The bounds are neither, and a
   * NaN input still passes through (comparisons with NaN are false): the clamp alone made tanh
   * ~2x slower. */
  v128_t x = wasm_f32x4_pmax(wasm_f32x4_pmin(a, SPLAT(7.90531110763549805f)), SPLAT(-7.90531110763549805f));
  v128_t y = wasm_f32x4_mul(x, x), y2 = wasm_f32x4_mul(y, y), y4 = wasm_f32x4_mul(y2, y2);
  v128_t p01 = MUL_ADD(y, SPLAT(6.37261928875436e-04f), SPLAT(4.89352455891786e-03f));
  v128_t p23 = MUL_ADD(y, SPLAT(5.12229709037114e-08f), SPLAT(1.48572235717979e-05f));
  v128_t p45 = MUL_ADD(y, SPLAT(2.00018790482477e-13f), SPLAT(-8.60467152213735e-11f));
  v128_t p456 = MUL_ADD(y2, SPLAT(-2.76076847742355e-16f), p45);
  v128_t p = wasm_f32x4_mul(x, MUL_ADD(y4, p456, MUL_ADD(y2, p23, p01)));
  v128_t q01 = MUL_ADD(y, SPLAT(2.26843463243900e-03f), SPLAT(4.89352518554385e-03f));
  v128_t q23 = MUL_ADD(y, SPLAT(1.19825839466702e-06f), SPLAT(1.18534705686654e-04f));
  return wasm_f32x4_div(p, MUL_ADD(y2, q23, q01));
}

/* sigmoid(x) = (1 + tanh(x / 2)) / 2: absolute error ~2e-7 (Keras' exact sigmoid; tfjs-layers'
 * default recurrent activation is hardSigmoid, which pipelines do not use with fused layers). */
static inline v128_t v_sigmoid(v128_t x) {
  v128_t half = SPLAT(0.5f);
  return MUL_ADD(half, v_tanh(wasm_f32x4_mul(half, x)), half);
}

static inline f32 s_sigmoid(f32 x) { return wasm_f32x4_extract_lane(v_sigmoid(wasm_f32x4_splat(x)), 0); }
static inline f32 s_tanh(f32 x) { return wasm_f32x4_extract_lane(v_tanh(wasm_f32x4_splat(x)), 0); }

/* Whether batch row bb skips step t (mask [B,T], 0 = no mask). */
static inline int masked(const f32 *mask, int T, int bb, int t) {
  return mask && mask[(long)bb * T + t] == 0.0f;
}

/* After dh = dz u^T (which wrote 0 into masked rows, whose dz is 0): masked rows of step t take
 * the gradient they carry straight through (kept in carry [B,H]). */
static void restore_masked_dh(const f32 *mask, int T, int B, int H, int t, const f32 *carry, f32 *dh) {
  if (!mask) return;
  for (int bb = 0; bb < B; bb++)
    if (masked(mask, T, bb, t))
      __builtin_memcpy(dh + (long)bb * H, carry + (long)bb * H, (unsigned long)H * sizeof(f32));
}

/* ---------- GEMM: C[M,N] (+)= A[M,K] B[K,N], 4-row x 2-vector register tiles ---------- */

#define KC 256

/* One K block of B's 8-column panel j, packed contiguously: B's rows are often 4 KB apart
 * (N = 1024), and rows that far apart all fall into one L1 cache set, so an unpacked panel
 * misses L1 on every load (the seq2seq model's GEMMs ran at half speed). Per thread. */
static PER_THREAD f32 PANEL[KC * 8] __attribute__((aligned(16)));

/* Copies rows k0..k1-1 of B's 8 columns from j into dst [k1-k0][8]. */
static inline void pack_panel(const f32 *B, int ldb, int k0, int k1, int j, f32 *dst) {
  for (int k = k0; k < k1; k++, dst += 8) {
    const f32 *src = B + (long)k * ldb + j;
    wasm_v128_store(dst, wasm_v128_load(src));
    wasm_v128_store(dst + 4, wasm_v128_load(src + 4));
  }
}

/* All of B's full 8-column panels, packed once for GEMMs that reuse B (a recurrent kernel's
 * per-step products) into bp, K * (N & ~7) floats: the panel of columns j.. for the K block from k0 is at
 * bp + k0 * n8 + j * (k1 - k0), [k1 - k0][8]. Columns past the last full panel stay in B. */
static void pack_panels(int K, int N, const f32 *B, int ldb, f32 *bp) {
  const int n8 = N & ~7;
  for (int k0 = 0; k0 < K; k0 += KC) {
    const int k1 = k0 + KC < K ? k0 + KC : K;
    for (int j = 0; j < n8; j += 8) pack_panel(B, ldb, k0, k1, j, bp + (long)k0 * n8 + (long)j * (k1 - k0));
  }
}

/* C[4, 8] (+)= A[4, k0..k1) panel (row stride ps): one register tile, products summed in k order. */
static inline void tile_4x8(const f32 *A, int lda, const f32 *panel, int ps, int k0, int k1, f32 *C, int ldc,
                            int acc) {
  const f32 *a0 = A, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
  f32 *c0 = C, *c1 = c0 + ldc, *c2 = c1 + ldc, *c3 = c2 + ldc;
  v128_t z = wasm_f32x4_splat(0.0f);
  v128_t c00 = acc ? wasm_v128_load(c0) : z, c01 = acc ? wasm_v128_load(c0 + 4) : z;
  v128_t c10 = acc ? wasm_v128_load(c1) : z, c11 = acc ? wasm_v128_load(c1 + 4) : z;
  v128_t c20 = acc ? wasm_v128_load(c2) : z, c21 = acc ? wasm_v128_load(c2 + 4) : z;
  v128_t c30 = acc ? wasm_v128_load(c3) : z, c31 = acc ? wasm_v128_load(c3 + 4) : z;
  const f32 *b = panel;
  for (int k = k0; k < k1; k++, b += ps) {
    v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    v128_t v0 = wasm_f32x4_splat(a0[k]);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(v0, b0));
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(v0, b1));
    v128_t v1 = wasm_f32x4_splat(a1[k]);
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(v1, b0));
    c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(v1, b1));
    v128_t v2 = wasm_f32x4_splat(a2[k]);
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(v2, b0));
    c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(v2, b1));
    v128_t v3 = wasm_f32x4_splat(a3[k]);
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(v3, b0));
    c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(v3, b1));
  }
  wasm_v128_store(c0, c00); wasm_v128_store(c0 + 4, c01);
  wasm_v128_store(c1, c10); wasm_v128_store(c1 + 4, c11);
  wasm_v128_store(c2, c20); wasm_v128_store(c2 + 4, c21);
  wasm_v128_store(c3, c30); wasm_v128_store(c3 + 4, c31);
}

/* C[1, 8] (+)= A[1, k0..k1) panel: the rows past the last 4-row tile. */
static inline void row_1x8(const f32 *a, const f32 *panel, int ps, int k0, int k1, f32 *c, int acc) {
  v128_t z = wasm_f32x4_splat(0.0f);
  v128_t s0 = acc ? wasm_v128_load(c) : z, s1 = acc ? wasm_v128_load(c + 4) : z;
  const f32 *b = panel;
  for (int k = k0; k < k1; k++, b += ps) {
    v128_t v = wasm_f32x4_splat(a[k]);
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(v, wasm_v128_load(b)));
    s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(v, wasm_v128_load(b + 4)));
  }
  wasm_v128_store(c, s0); wasm_v128_store(c + 4, s1);
}

/* bp: B packed by pack_panels, or 0 (panels are packed here when two row blocks reuse them). */
static void gemm_bp(int M, int N, int K, const f32 *A, int lda, const f32 *B, int ldb, const f32 *bp,
                    f32 *C, int ldc, int accumulate) {
  const int n8 = N & ~7, m4 = M & ~3, w = N - n8;
  /* Packing costs a panel copy per (K block, panel): worth it once two row blocks reuse it. */
  const int pack = M >= 8;
  for (int k0 = 0; k0 < K; k0 += KC) {
    const int k1 = k0 + KC < K ? k0 + KC : K;
    const int acc = accumulate || k0 > 0;
    for (int j = 0; j < n8; j += 8) {
      const f32 *panel = B + (long)k0 * ldb + j;
      int ps = ldb; /* the panel's row stride */
      if (bp) {
        panel = bp + (long)k0 * n8 + (long)j * (k1 - k0);
        ps = 8;
      } else if (pack) {
        pack_panel(B, ldb, k0, k1, j, PANEL);
        panel = PANEL;
        ps = 8;
      }
      int i = 0;
      for (; i < m4; i += 4) tile_4x8(A + (long)i * lda, lda, panel, ps, k0, k1, C + (long)i * ldc + j, ldc, acc);
      for (; i < M; i++) row_1x8(A + (long)i * lda, panel, ps, k0, k1, C + (long)i * ldc + j, acc);
    }
    if (w == 0) continue;
    /* The last w < 8 columns: their panel zero-padded to 8 columns, each tile through a local
     * buffer of which w columns go back to C (the same sums as full panels, in the same order). */
    for (int k = k0; k < k1; k++) {
      f32 *dst = PANEL + (k - k0) * 8;
      const f32 *src = B + (long)k * ldb + n8;
      for (int jj = 0; jj < 8; jj++) dst[jj] = jj < w ? src[jj] : 0.0f;
    }
    f32 t[4 * 8] __attribute__((aligned(16)));
    for (int i = 0; i < M; i += 4) {
      const int rows = M - i < 4 ? M - i : 4;
      for (int r = 0; r < rows; r++)
        for (int jj = 0; jj < 8; jj++) t[r * 8 + jj] = acc && jj < w ? C[(long)(i + r) * ldc + n8 + jj] : 0.0f;
      if (rows == 4) tile_4x8(A + (long)i * lda, lda, PANEL, 8, k0, k1, t, 8, acc);
      else
        for (int r = 0; r < rows; r++) row_1x8(A + (long)(i + r) * lda, PANEL, 8, k0, k1, t + r * 8, acc);
      for (int r = 0; r < rows; r++)
        for (int jj = 0; jj < w; jj++) C[(long)(i + r) * ldc + n8 + jj] = t[r * 8 + jj];
    }
  }
}

static void gemm(int M, int N, int K, const f32 *A, int lda, const f32 *B, int ldb, f32 *C, int ldc,
                 int accumulate) {
  gemm_bp(M, N, K, A, lda, B, ldb, 0, C, ldc, accumulate);
}

/* dst[C,R] = transpose of src[R,C] (src row stride lds). */
static void transpose(int R, int Cn, const f32 *src, int lds, f32 *dst) {
  for (int r0 = 0; r0 < R; r0 += 32)
    for (int c0 = 0; c0 < Cn; c0 += 32)
      for (int r = r0; r < R && r < r0 + 32; r++)
        for (int c = c0; c < Cn && c < c0 + 32; c++) dst[(long)c * R + r] = src[(long)r * lds + c];
}

/* ---------- dense products ---------- */

/*
 * Rows r0..r1-1 of c[M, N] = a b (+ bias): tfjs' BatchMatMul / _FusedMatMul with batch 1 (a dense
 * layer's product and its gradients' products); threads each compute a block of rows. a is
 * [M, K] or, with trans_a, [K, M]; b is [K, N] or, with trans_b, [N, K]; bias [N] or 0 (added
 * first, as XNNPACK does). c points at row r0's output: (r1 - r0) * N floats.
 *  scratch: (trans_a ? (r1 - r0) * K : 0) + (trans_b ? K * N : 0) floats
 */
EXPORT(matmul)
void matmul(int M, int N, int K, const f32 *a, int trans_a, const f32 *b, int trans_b, const f32 *bias,
            f32 *c, f32 *scratch, int r0, int r1) {
  const int rows = r1 - r0;
  if (trans_a) {
    transpose(K, rows, a + r0, M, scratch);
    a = scratch;
    scratch += (long)rows * K;
  } else {
    a += (long)r0 * K;
  }
  if (trans_b) {
    transpose(N, K, b, K, scratch);
    b = scratch;
  }
  if (bias)
    for (long r = 0; r < rows; r++) __builtin_memcpy(c + r * N, bias, (unsigned long)N * sizeof(f32));
  gemm(rows, N, K, a, K, b, N, c, N, bias != 0);
}

/* ---------- input projection, shared by the cells ---------- */

/* d[N] += z[N]. */
static inline void add_row(f32 *d, const f32 *z, int N) {
  int j = 0;
  for (; j + 4 <= N; j += 4) wasm_v128_store(d + j, wasm_f32x4_add(wasm_v128_load(d + j), wasm_v128_load(z + j)));
  for (; j < N; j++) d[j] += z[j];
}

/* db[N] = column sums of a[rows, N] (row stride lda). */
static void col_sum(long rows, int N, const f32 *a, int lda, f32 *db) {
  for (int j = 0; j < N; j++) db[j] = 0.0f;
  for (long r = 0; r < rows; r++) add_row(db, a + r * lda, N);
}

/* d[N] += v z[N] (a product, then a sum: what gemm does per term). */
static inline void add_scaled_row(f32 *d, f32 v, const f32 *z, int N) {
  const v128_t s = wasm_f32x4_splat(v);
  int j = 0;
  for (; j + 4 <= N; j += 4)
    wasm_v128_store(d + j, wasm_f32x4_add(wasm_v128_load(d + j), wasm_f32x4_mul(s, wasm_v128_load(z + j))));
  for (; j < N; j++) d[j] += v * z[j];
}

/* Whether x [rows, E] is sparse enough (at most one nonzero in 8: a one-hot input, as a character
 * model's) that its products are cheaper nonzero by nonzero than as a GEMM. Each nonzero then
 * costs a row update; the terms that skips are products with 0, so the results are bit for bit
 * the GEMM's (for finite weights). */
static int is_sparse(long rows, int E, const f32 *x) {
  const long n = rows * E, limit = n / 8;
  long nonzero = 0;
  for (long i = 0; i < n; i++)
    if (x[i] != 0.0f && ++nonzero > limit) return 0;
  return 1;
}

/* out[rows, G] = x[rows, E] w[E, G] + b (b first, then the products in k order). */
static void project_input(long rows, int E, int G, const f32 *x, const f32 *w, const f32 *b, f32 *out) {
  for (long r = 0; r < rows; r++) __builtin_memcpy(out + r * G, b, (unsigned long)G * sizeof(f32));
  if (!is_sparse(rows, E, x)) {
    gemm((int)rows, G, E, x, E, w, G, out, G, 1);
    return;
  }
  for (long r = 0; r < rows; r++)
    for (int k = 0; k < E; k++)
      if (x[r * E + k] != 0.0f) add_scaled_row(out + r * G, x[r * E + k], w + (long)k * G, G);
}

/* dx[rows, E] = dz w^T (skipped for dx = 0: nothing needs it) and dw[E, G] = x^T dz (dz [rows, G]);
 * tmp: max(G, rows) * E floats. */
static void input_gradients(long rows, int E, int G, const f32 *x, const f32 *w, const f32 *dz, f32 *dx,
                            f32 *dw, f32 *tmp) {
  if (dx) {
    f32 *wt = tmp; /* [G, E] */
    transpose(E, G, w, G, wt);
    gemm((int)rows, E, G, dz, G, wt, E, dx, E, 0);
  }
  if (is_sparse(rows, E, x)) {
    __builtin_memset(dw, 0, (unsigned long)E * G * sizeof(f32));
    for (long r = 0; r < rows; r++)
      for (int k = 0; k < E; k++)
        if (x[r * E + k] != 0.0f) add_scaled_row(dw + (long)k * G, x[r * E + k], dz + r * G, G);
    return;
  }
  f32 *xt = tmp; /* [E, rows] */
  transpose((int)rows, E, x, E, xt);
  gemm(E, G, (int)rows, xt, (int)rows, dz, G, dw, G, 0);
}

/*
 * The input projection of a sequence of token embeddings, computed once per distinct token.
 * A batch of B sequences of T tokens has B*T input rows but often far fewer distinct ones (an
 * IMDB batch: 32,000 rows, a few thousand distinct words): the forwards below take x = 0 and
 * their projection target filled by project_tokens; the backwards take x = 0 (no dx, no dw) and
 * project_tokens_backward turns their dz into the gradients of the distinct rows and of w.
 *  rows = B*T; ids [U] (floats): the distinct tokens; table [V, E]: the embedding table;
 *  slots [rows] (floats): which distinct token each row is
 *  out: xu [U, E] (the distinct rows, kept for the backward), pu [U, G] (scratch),
 *  target [rows, G] = pu[slot] (bit for bit what project_input gives on the gathered rows)
 */
EXPORT(project_tokens)
void project_tokens(int rows, int U, int E, int G, const f32 *ids, const f32 *table, const f32 *slots,
                    const f32 *w, const f32 *b, f32 *xu, f32 *pu, f32 *target) {
  for (int k = 0; k < U; k++)
    __builtin_memcpy(xu + (long)k * E, table + (long)ids[k] * E, (unsigned long)E * sizeof(f32));
  project_input(U, E, G, xu, w, b, pu);
  for (long r = 0; r < rows; r++)
    __builtin_memcpy(target + r * G, pu + (long)slots[r] * G, (unsigned long)G * sizeof(f32));
}

/*
 * Backward of project_tokens: dpu[U, G] = dz rows summed per distinct token, then
 * dw[E, G] = xu^T dpu and the table's gradient dtable[V, E]: row ids[k] = dpu[k] w^T, other
 * rows 0.
 *  scratch: U*G + max(G, U) * E + U*E floats
 */
EXPORT(project_tokens_backward)
void project_tokens_backward(int rows, int U, int E, int G, int V, const f32 *ids, const f32 *slots,
                             const f32 *xu, const f32 *w, const f32 *dz, f32 *dtable, f32 *dw, f32 *scratch) {
  f32 *dpu = scratch, *dxu = scratch + (long)U * G, *tmp = dxu + (long)U * E;
  __builtin_memset(dpu, 0, (unsigned long)U * G * sizeof(f32));
  for (long r = 0; r < rows; r++) add_row(dpu + (long)slots[r] * G, dz + r * G, G);
  input_gradients(U, E, G, xu, w, dpu, dxu, dw, tmp);
  __builtin_memset(dtable, 0, (unsigned long)V * E * sizeof(f32));
  for (int k = 0; k < U; k++)
    __builtin_memcpy(dtable + (long)ids[k] * E, dxu + (long)k * E, (unsigned long)E * sizeof(f32));
}

/* hpt [H, B*T]: column (b, t) = hs[t][b] (hs [T+1,B,H]: step t's h_{t-1}), in blocks of 8 units
 * so that both the reads (8 floats of a state) and the writes (8 rows, consecutive steps) stay
 * within a few cache lines. */
static void transpose_states(int T, int B, int H, const f32 *hs, f32 *hpt) {
  const long rows = (long)B * T, BH = (long)B * H;
  for (int bb = 0; bb < B; bb++)
    for (int j0 = 0; j0 < H; j0 += 8) {
      const int j1 = j0 + 8 < H ? j0 + 8 : H;
      for (int t = 0; t < T; t++) {
        const f32 *hp = hs + (long)t * BH + (long)bb * H;
        f32 *dst = hpt + (long)bb * T + t;
        for (int j = j0; j < j1; j++) dst[(long)j * rows] = hp[j];
      }
    }
}

/* Whether n floats are all zero (a zero initial state, whose recurrent product adds nothing). */
static int all_zero(const f32 *p, long n) {
  for (long i = 0; i < n; i++)
    if (p[i] != 0.0f) return 0;
  return 1;
}

/* ---------- LSTM ---------- */

/*
 * Forward over a whole sequence.
 *  x [B,T,E] (0: gates already hold x w + b, from project_tokens), w [E,4H], u [H,4H], b [4H],
 *  h0, c0 [B,H], mask [B,T] or 0
 *  gates [B,T,4H] (out: activated i, f, g, o per step, kept for backward; masked steps keep
 *  their pre-activations, which backward overwrites with zeros)
 *  hseq, cseq [T+1,B,H] (out: states, index 0 = h0 / c0)
 *  y (optional, 0 = none) [B,T,H]: the sequence output
 *  up: scratch for u's packed panels (pack_panels), 4H*H floats
 */
EXPORT(lstm_forward)
void lstm_forward(int T, int B, int E, int H, const f32 *x, const f32 *w, const f32 *u, const f32 *b,
                  const f32 *h0, const f32 *c0, const f32 *mask, f32 *gates, f32 *hseq, f32 *cseq,
                  f32 *y, f32 *up) {
  const int G = 4 * H, BH = B * H;
  const long rows = (long)B * T;
  /* gates = x w + b, all steps at once */
  if (x) project_input(rows, E, G, x, w, b, gates);
  __builtin_memcpy(hseq, h0, (unsigned long)BH * sizeof(f32));
  __builtin_memcpy(cseq, c0, (unsigned long)BH * sizeof(f32));
  pack_panels(H, G, u, G, up);
  const int h4 = H & ~3;
  /* From a zero state (an encoder's) the first step's recurrent product is zero: skipped. */
  const int zero_h0 = all_zero(h0, BH);
  for (int t = 0; t < T; t++) {
    const f32 *hp = hseq + (long)t * BH, *cp = cseq + (long)t * BH;
    f32 *hn = hseq + (long)(t + 1) * BH, *cn = cseq + (long)(t + 1) * BH;
    f32 *zt = gates + (long)t * G; /* row bb at zt + bb*T*G */
    if (t > 0 || !zero_h0) gemm_bp(B, G, H, hp, H, u, G, up, zt, T * G, 1);
    for (int bb = 0; bb < B; bb++) {
      f32 *z = zt + (long)bb * T * G;
      const f32 *cpr = cp + bb * H;
      f32 *cnr = cn + bb * H, *hnr = hn + bb * H;
      if (masked(mask, T, bb, t)) {
        __builtin_memcpy(cnr, cpr, (unsigned long)H * sizeof(f32));
        __builtin_memcpy(hnr, hp + bb * H, (unsigned long)H * sizeof(f32));
        continue;
      }
      int j = 0;
      for (; j < h4; j += 4) {
        v128_t i = v_sigmoid(wasm_v128_load(z + j));
        v128_t f = v_sigmoid(wasm_v128_load(z + H + j));
        v128_t g = v_tanh(wasm_v128_load(z + 2 * H + j));
        v128_t o = v_sigmoid(wasm_v128_load(z + 3 * H + j));
        v128_t c = wasm_f32x4_add(wasm_f32x4_mul(f, wasm_v128_load(cpr + j)), wasm_f32x4_mul(i, g));
        v128_t h = wasm_f32x4_mul(o, v_tanh(c));
        wasm_v128_store(z + j, i); wasm_v128_store(z + H + j, f);
        wasm_v128_store(z + 2 * H + j, g); wasm_v128_store(z + 3 * H + j, o);
        wasm_v128_store(cnr + j, c); wasm_v128_store(hnr + j, h);
      }
      for (; j < H; j++) {
        f32 i = s_sigmoid(z[j]), f = s_sigmoid(z[H + j]), g = s_tanh(z[2 * H + j]), o = s_sigmoid(z[3 * H + j]);
        f32 c = f * cpr[j] + i * g;
        z[j] = i; z[H + j] = f; z[2 * H + j] = g; z[3 * H + j] = o;
        cnr[j] = c; hnr[j] = o * s_tanh(c);
      }
    }
  }
  if (y)
    for (int bb = 0; bb < B; bb++)
      for (int t = 0; t < T; t++)
        __builtin_memcpy(y + ((long)bb * T + t) * H, hseq + (long)(t + 1) * BH + bb * H,
                         (unsigned long)H * sizeof(f32));
}

/*
 * Backward (BPTT) from lstm_forward's kept activations. `gates` is overwritten with dz.
 *  mask: the forward's [B,T] or 0
 *  dy: [B,T,H] when dy_seq, else [B,H] (gradient of the last output); dhT, dcT [B,H] or 0
 *  out: dx [B,T,E] (0: not needed), dw [E,4H] (both untouched when x = 0:
 *  project_tokens_backward), du [H,4H], db [4H], dh0, dc0 [B,H]
 *  scratch: at least max(E, H) * B*T + 4H*max(E, H) + 4H*H floats
 */
EXPORT(lstm_backward)
void lstm_backward(int T, int B, int E, int H, const f32 *x, const f32 *w, const f32 *u,
                   const f32 *mask, f32 *gates, const f32 *hseq, const f32 *cseq, const f32 *dy,
                   int dy_seq, const f32 *dhT, const f32 *dcT, f32 *dx, f32 *dw, f32 *du, f32 *db, f32 *dh0, f32 *dc0, f32 *scratch) {
  const int G = 4 * H, BH = B * H;
  const long rows = (long)B * T;
  f32 *dh = dh0, *dc = dc0; /* carries live in the outputs */
  for (int k = 0; k < BH; k++) {
    dh[k] = (dhT ? dhT[k] : 0.0f) + (!dy_seq && dy ? dy[k] : 0.0f);
    dc[k] = dcT ? dcT[k] : 0.0f;
  }
  f32 *ut = scratch;                  /* [4H, H] */
  f32 *carry = scratch + (long)G * H; /* [B, H]: dh passing through masked rows */
  f32 *utp = carry + BH;              /* u^T's packed panels */
  transpose(H, G, u, G, ut);
  pack_panels(G, H, ut, H, utp);
  const int h4 = H & ~3;
  const v128_t one = wasm_f32x4_splat(1.0f);
  for (int t = T - 1; t >= 0; t--) {
    const f32 *cp = cseq + (long)t * BH, *cn = cseq + (long)(t + 1) * BH;
    f32 *zt = gates + (long)t * G;
    for (int bb = 0; bb < B; bb++) {
      f32 *z = zt + (long)bb * T * G;
      f32 *dhr = dh + bb * H, *dcr = dc + bb * H;
      const f32 *cpr = cp + bb * H, *cnr = cn + bb * H;
      const f32 *dyr = dy_seq ? dy + ((long)bb * T + t) * H : 0;
      if (masked(mask, T, bb, t)) { /* dc passes unchanged; dh (+ dy) after the GEMM below */
        f32 *cr = carry + bb * H;
        for (int j = 0; j < H; j++) cr[j] = dhr[j] + (dyr ? dyr[j] : 0.0f);
        __builtin_memset(z, 0, (unsigned long)G * sizeof(f32));
        continue;
      }
      int j = 0;
      for (; j < h4; j += 4) {
        v128_t dhv = wasm_v128_load(dhr + j);
        if (dyr) dhv = wasm_f32x4_add(dhv, wasm_v128_load(dyr + j));
        v128_t i = wasm_v128_load(z + j), f = wasm_v128_load(z + H + j);
        v128_t g = wasm_v128_load(z + 2 * H + j), o = wasm_v128_load(z + 3 * H + j);
        v128_t tc = v_tanh(wasm_v128_load(cnr + j));
        v128_t dov = wasm_f32x4_mul(dhv, tc);
        v128_t dcv = wasm_f32x4_add(wasm_v128_load(dcr + j),
                                    wasm_f32x4_mul(wasm_f32x4_mul(dhv, o), wasm_f32x4_sub(one, wasm_f32x4_mul(tc, tc))));
        v128_t di = wasm_f32x4_mul(dcv, g), dg = wasm_f32x4_mul(dcv, i);
        v128_t df = wasm_f32x4_mul(dcv, wasm_v128_load(cpr + j));
        wasm_v128_store(dcr + j, wasm_f32x4_mul(dcv, f));
        wasm_v128_store(z + j, wasm_f32x4_mul(di, wasm_f32x4_mul(i, wasm_f32x4_sub(one, i))));
        wasm_v128_store(z + H + j, wasm_f32x4_mul(df, wasm_f32x4_mul(f, wasm_f32x4_sub(one, f))));
        wasm_v128_store(z + 2 * H + j, wasm_f32x4_mul(dg, wasm_f32x4_sub(one, wasm_f32x4_mul(g, g))));
        wasm_v128_store(z + 3 * H + j, wasm_f32x4_mul(dov, wasm_f32x4_mul(o, wasm_f32x4_sub(one, o))));
      }
      for (; j < H; j++) {
        f32 dhs = dhr[j] + (dyr ? dyr[j] : 0.0f);
        f32 i = z[j], f = z[H + j], g = z[2 * H + j], o = z[3 * H + j];
        f32 tc = s_tanh(cnr[j]);
        f32 dcs = dcr[j] + dhs * o * (1.0f - tc * tc);
        dcr[j] = dcs * f;
        z[j] = dcs * g * i * (1.0f - i);
        z[H + j] = dcs * cpr[j] * f * (1.0f - f);
        z[2 * H + j] = dcs * i * (1.0f - g * g);
        z[3 * H + j] = dhs * tc * o * (1.0f - o);
      }
    }
    /* dh_{t-1} = dz_t u^T */
    gemm_bp(B, H, G, zt, T * G, ut, H, utp, dh, H, 0);
    restore_masked_dh(mask, T, B, H, t, carry, dh);
  }
  /* batched parameter and input gradients; rows of dz are (b, t) */
  if (x) input_gradients(rows, E, G, x, w, gates, dx, dw, scratch);
  f32 *hpt = scratch; /* [H, B*T]: column (b, t) = h_{t-1} of row b */
  transpose_states(T, B, H, hseq, hpt);
  gemm(H, G, (int)rows, hpt, (int)rows, gates, G, du, G, 0);
  col_sum(rows, G, gates, G, db);
}

/* ---------- SimpleRNN ---------- */

/* h_{t-1} of batch row bb at step t: h0 for t = 0, else the kept output of step t-1. */
static inline const f32 *prev_h(const f32 *hs, const f32 *h0, int T, int H, int bb, int t) {
  return t == 0 ? h0 + (long)bb * H : hs + ((long)bb * T + t - 1) * H;
}

/* hpt [H, B*T]: column (b, t) = h_{t-1} of row b (the transposed recurrent input). */
static void gather_prev_h_t(int T, int B, int H, const f32 *hs, const f32 *h0, f32 *hpt) {
  const long rows = (long)B * T;
  for (int bb = 0; bb < B; bb++)
    for (int t = 0; t < T; t++) {
      const f32 *hp = prev_h(hs, h0, T, H, bb, t);
      const long col = (long)bb * T + t;
      for (int j = 0; j < H; j++) hpt[(long)j * rows + col] = hp[j];
    }
}

/*
 * Keras SimpleRNN (tanh): h_t = tanh(x_t w + h_{t-1} u + b).
 *  x [B,T,E] (0: hs already holds x w + b, from project_tokens), w [E,H], u [H,H], b [H],
 *  h0 [B,H], mask [B,T] or 0
 *  hs [B,T,H] (out: h_t for every step; also the sequence output, kept for backward)
 *  up: scratch for u's packed panels (pack_panels), H*H floats
 */
EXPORT(simple_rnn_forward)
void simple_rnn_forward(int T, int B, int E, int H, const f32 *x, const f32 *w, const f32 *u,
                        const f32 *b, const f32 *h0, const f32 *mask, f32 *hs, f32 *up) {
  const long rows = (long)B * T;
  if (x) project_input(rows, E, H, x, w, b, hs);
  pack_panels(H, H, u, H, up);
  const int h4 = H & ~3;
  for (int t = 0; t < T; t++) {
    f32 *at = hs + (long)t * H; /* row bb at at + bb*T*H */
    if (t == 0) gemm_bp(B, H, H, h0, H, u, H, up, at, T * H, 1);
    else gemm_bp(B, H, H, at - H, T * H, u, H, up, at, T * H, 1);
    for (int bb = 0; bb < B; bb++) {
      f32 *a = at + (long)bb * T * H;
      if (masked(mask, T, bb, t)) {
        __builtin_memcpy(a, prev_h(hs, h0, T, H, bb, t), (unsigned long)H * sizeof(f32));
        continue;
      }
      int j = 0;
      for (; j < h4; j += 4) wasm_v128_store(a + j, v_tanh(wasm_v128_load(a + j)));
      for (; j < H; j++) a[j] = s_tanh(a[j]);
    }
  }
}

/*
 * Backward (BPTT) from simple_rnn_forward's kept outputs.
 *  mask: the forward's [B,T] or 0
 *  dy: [B,T,H] when dy_seq, else [B,H] (gradient of the last output); dhT [B,H] or 0
 *  out: dx [B,T,E] (0: not needed), dw [E,H] (both untouched when x = 0:
 *  project_tokens_backward), du [H,H], db [H], dh0 [B,H]
 *  scratch: at least B*T*H + max(E, H) * (B*T + H) + H*H floats
 */
EXPORT(simple_rnn_backward)
void simple_rnn_backward(int T, int B, int E, int H, const f32 *x, const f32 *w, const f32 *u,
                         const f32 *h0, const f32 *mask, const f32 *hs, const f32 *dy, int dy_seq,
                         const f32 *dhT, f32 *dx, f32 *dw, f32 *du, f32 *db, f32 *dh0, f32 *scratch) {
  const int BH = B * H;
  const long rows = (long)B * T;
  f32 *da = scratch;             /* [B,T,H]: gradient of the pre-activations */
  f32 *tmp = scratch + rows * H; /* transposes */
  f32 *dh = dh0;
  for (int k = 0; k < BH; k++) dh[k] = (dhT ? dhT[k] : 0.0f) + (!dy_seq && dy ? dy[k] : 0.0f);
  f32 *ut = tmp;                  /* [H, H] */
  f32 *carry = tmp + (long)H * H; /* [B, H]: dh passing through masked rows */
  f32 *utp = carry + BH;          /* u^T's packed panels */
  transpose(H, H, u, H, ut);
  pack_panels(H, H, ut, H, utp);
  const int h4 = H & ~3;
  const v128_t one = wasm_f32x4_splat(1.0f);
  for (int t = T - 1; t >= 0; t--) {
    for (int bb = 0; bb < B; bb++) {
      const long off = ((long)bb * T + t) * H;
      const f32 *h = hs + off, *dhr = dh + bb * H, *dyr = dy_seq ? dy + off : 0;
      f32 *d = da + off;
      if (masked(mask, T, bb, t)) {
        f32 *cr = carry + bb * H;
        for (int j = 0; j < H; j++) {
          cr[j] = dhr[j] + (dyr ? dyr[j] : 0.0f);
          d[j] = 0.0f;
        }
        continue;
      }
      int j = 0;
      for (; j < h4; j += 4) {
        v128_t g = wasm_v128_load(dhr + j);
        if (dyr) g = wasm_f32x4_add(g, wasm_v128_load(dyr + j));
        v128_t hv = wasm_v128_load(h + j);
        wasm_v128_store(d + j, wasm_f32x4_mul(g, wasm_f32x4_sub(one, wasm_f32x4_mul(hv, hv))));
      }
      for (; j < H; j++) {
        f32 g = dhr[j] + (dyr ? dyr[j] : 0.0f);
        d[j] = g * (1.0f - h[j] * h[j]);
      }
    }
    gemm_bp(B, H, H, da + (long)t * H, T * H, ut, H, utp, dh, H, 0);
    restore_masked_dh(mask, T, B, H, t, carry, dh);
  }
  if (x) input_gradients(rows, E, H, x, w, da, dx, dw, tmp);
  f32 *hpt = tmp; /* [H, B*T] */
  gather_prev_h_t(T, B, H, hs, h0, hpt);
  gemm(H, H, (int)rows, hpt, (int)rows, da, H, du, H, 0);
  col_sum(rows, H, da, H, db);
}

/* ---------- GRU ---------- */

/*
 * Keras GRU as tfjs-layers runs it (reset_after = false), gates in the order z, r, h:
 *  z = sigmoid(x wz + h_{t-1} uz + bz), r = sigmoid(x wr + h_{t-1} ur + br),
 *  hh = tanh(x wh + (r h_{t-1}) uh + bh), h_t = z h_{t-1} + (1 - z) hh.
 *  x [B,T,E] (0: gates already hold x w + b, from project_tokens), w [E,3H], u [H,3H], b [3H],
 *  h0 [B,H], mask [B,T] or 0
 *  gates [B,T,3H] (out: z, r, hh per step), hs [B,T,H] (out: h_t, the sequence output),
 *  rhs [B,T,H] (out: r h_{t-1}); all kept for backward (masked steps compute z, r and r h_{t-1}
 *  like kept ones, so every kept buffer stays finite, but copy h_{t-1} into h_t)
 *  up: scratch for the packed panels (pack_panels) of [uz ur] and uh, 3H*H floats
 */
EXPORT(gru_forward)
void gru_forward(int T, int B, int E, int H, const f32 *x, const f32 *w, const f32 *u, const f32 *b,
                 const f32 *h0, const f32 *mask, f32 *gates, f32 *hs, f32 *rhs, f32 *up) {
  const int G = 3 * H;
  const long rows = (long)B * T;
  if (x) project_input(rows, E, G, x, w, b, gates);
  f32 *uzr = up, *uhp = up + (long)2 * H * H;
  pack_panels(H, 2 * H, u, G, uzr);
  pack_panels(H, H, u + 2 * H, G, uhp);
  const int h4 = H & ~3;
  const v128_t one = wasm_f32x4_splat(1.0f);
  for (int t = 0; t < T; t++) {
    f32 *zt = gates + (long)t * G; /* row bb at zt + bb*T*G */
    const f32 *hp0 = t == 0 ? h0 : hs + (long)(t - 1) * H;
    const int ldh = t == 0 ? H : T * H;
    gemm_bp(B, 2 * H, H, hp0, ldh, u, G, uzr, zt, T * G, 1);
    for (int bb = 0; bb < B; bb++) {
      f32 *z = zt + (long)bb * T * G;
      const f32 *hp = hp0 + (long)bb * ldh;
      f32 *rh = rhs + ((long)bb * T + t) * H;
      int j = 0;
      for (; j < h4; j += 4) {
        v128_t zv = v_sigmoid(wasm_v128_load(z + j)), rv = v_sigmoid(wasm_v128_load(z + H + j));
        wasm_v128_store(z + j, zv); wasm_v128_store(z + H + j, rv);
        wasm_v128_store(rh + j, wasm_f32x4_mul(rv, wasm_v128_load(hp + j)));
      }
      for (; j < H; j++) {
        f32 zs = s_sigmoid(z[j]), rs = s_sigmoid(z[H + j]);
        z[j] = zs; z[H + j] = rs; rh[j] = rs * hp[j];
      }
    }
    gemm_bp(B, H, H, rhs + (long)t * H, T * H, u + 2 * H, G, uhp, zt + 2 * H, T * G, 1);
    for (int bb = 0; bb < B; bb++) {
      f32 *z = zt + (long)bb * T * G;
      const f32 *hp = hp0 + (long)bb * ldh;
      f32 *h = hs + ((long)bb * T + t) * H;
      if (masked(mask, T, bb, t)) {
        __builtin_memcpy(h, hp, (unsigned long)H * sizeof(f32));
        continue;
      }
      int j = 0;
      for (; j < h4; j += 4) {
        v128_t hh = v_tanh(wasm_v128_load(z + 2 * H + j)), zv = wasm_v128_load(z + j);
        wasm_v128_store(z + 2 * H + j, hh);
        wasm_v128_store(h + j, wasm_f32x4_add(wasm_f32x4_mul(zv, wasm_v128_load(hp + j)),
                                              wasm_f32x4_mul(wasm_f32x4_sub(one, zv), hh)));
      }
      for (; j < H; j++) {
        f32 hh = s_tanh(z[2 * H + j]);
        z[2 * H + j] = hh;
        h[j] = z[j] * hp[j] + (1.0f - z[j]) * hh;
      }
    }
  }
}

/*
 * Backward (BPTT) from gru_forward's kept activations. `gates` is overwritten with the
 * gradients of the pre-activations.
 *  mask: the forward's [B,T] or 0
 *  dy: [B,T,H] when dy_seq, else [B,H]; dhT [B,H] or 0
 *  out: dx [B,T,E] (0: not needed), dw [E,3H] (both untouched when x = 0:
 *  project_tokens_backward), du [H,3H], db [3H], dh0 [B,H]
 *  scratch: at least max(E, H) * (B*T + 3H) + B*H + 3H*H floats
 */
EXPORT(gru_backward)
void gru_backward(int T, int B, int E, int H, const f32 *x, const f32 *w, const f32 *u,
                  const f32 *h0, const f32 *mask, f32 *gates, const f32 *hs, const f32 *rhs,
                  const f32 *dy, int dy_seq, const f32 *dhT, f32 *dx, f32 *dw, f32 *du, f32 *db, f32 *dh0,
                  f32 *scratch) {
  const int G = 3 * H, BH = B * H;
  const long rows = (long)B * T;
  f32 *dh = dh0;
  for (int k = 0; k < BH; k++) dh[k] = (dhT ? dhT[k] : 0.0f) + (!dy_seq && dy ? dy[k] : 0.0f);
  f32 *ut = scratch;         /* [3H, H]: rows 0..2H-1 = [uz ur]^T, rows 2H.. = uh^T */
  f32 *drh = scratch + G * H; /* [B, H]: gradient of r h_{t-1} */
  f32 *uhtp = drh + BH, *uzrtp = uhtp + (long)H * H; /* packed panels of uh^T, [uz ur]^T */
  transpose(H, G, u, G, ut);
  pack_panels(H, H, ut + (long)2 * H * H, H, uhtp);
  pack_panels(2 * H, H, ut, H, uzrtp);
  const int h4 = H & ~3;
  const v128_t one = wasm_f32x4_splat(1.0f);
  for (int t = T - 1; t >= 0; t--) {
    f32 *zt = gates + (long)t * G;
    for (int bb = 0; bb < B; bb++) {
      f32 *z = zt + (long)bb * T * G, *dhr = dh + bb * H;
      const f32 *hp = prev_h(hs, h0, T, H, bb, t);
      const f32 *dyr = dy_seq ? dy + ((long)bb * T + t) * H : 0;
      if (masked(mask, T, bb, t)) { /* dh (+ dy) passes through; the GEMMs below add 0 */
        if (dyr)
          for (int j = 0; j < H; j++) dhr[j] += dyr[j];
        __builtin_memset(z, 0, (unsigned long)G * sizeof(f32));
        continue;
      }
      int j = 0;
      for (; j < h4; j += 4) {
        v128_t g = wasm_v128_load(dhr + j);
        if (dyr) g = wasm_f32x4_add(g, wasm_v128_load(dyr + j));
        v128_t zv = wasm_v128_load(z + j), hh = wasm_v128_load(z + 2 * H + j);
        v128_t dz = wasm_f32x4_mul(g, wasm_f32x4_sub(wasm_v128_load(hp + j), hh));
        wasm_v128_store(z + j, wasm_f32x4_mul(dz, wasm_f32x4_mul(zv, wasm_f32x4_sub(one, zv))));
        v128_t dhh = wasm_f32x4_mul(g, wasm_f32x4_sub(one, zv));
        wasm_v128_store(z + 2 * H + j, wasm_f32x4_mul(dhh, wasm_f32x4_sub(one, wasm_f32x4_mul(hh, hh))));
        wasm_v128_store(dhr + j, wasm_f32x4_mul(g, zv));
      }
      for (; j < H; j++) {
        f32 g = dhr[j] + (dyr ? dyr[j] : 0.0f);
        f32 zs = z[j], hh = z[2 * H + j];
        z[j] = g * (hp[j] - hh) * zs * (1.0f - zs);
        z[2 * H + j] = g * (1.0f - zs) * (1.0f - hh * hh);
        dhr[j] = g * zs;
      }
    }
    /* d(r h_{t-1}) = dhh_pre uh^T */
    gemm_bp(B, H, H, zt + 2 * H, T * G, ut + (long)2 * H * H, H, uhtp, drh, H, 0);
    for (int bb = 0; bb < B; bb++) {
      f32 *z = zt + (long)bb * T * G, *dhr = dh + bb * H;
      const f32 *hp = prev_h(hs, h0, T, H, bb, t), *d = drh + bb * H;
      if (masked(mask, T, bb, t)) continue; /* dr stays 0 */
      int j = 0;
      for (; j < h4; j += 4) {
        v128_t rv = wasm_v128_load(z + H + j), dv = wasm_v128_load(d + j);
        v128_t dr = wasm_f32x4_mul(dv, wasm_v128_load(hp + j));
        wasm_v128_store(z + H + j, wasm_f32x4_mul(dr, wasm_f32x4_mul(rv, wasm_f32x4_sub(one, rv))));
        wasm_v128_store(dhr + j, wasm_f32x4_add(wasm_v128_load(dhr + j), wasm_f32x4_mul(dv, rv)));
      }
      for (; j < H; j++) {
        f32 rs = z[H + j];
        z[H + j] = d[j] * hp[j] * rs * (1.0f - rs);
        dhr[j] += d[j] * rs;
      }
    }
    /* dh_{t-1} += [dz dr] [uz ur]^T */
    gemm_bp(B, H, 2 * H, zt, T * G, ut, H, uzrtp, dh, H, 1);
  }
  f32 *tmp = scratch;
  if (x) input_gradients(rows, E, G, x, w, gates, dx, dw, tmp);
  f32 *hpt = tmp; /* [H, B*T] */
  gather_prev_h_t(T, B, H, hs, h0, hpt);
  gemm(H, 2 * H, (int)rows, hpt, (int)rows, gates, G, du, G, 0);
  transpose((int)rows, H, rhs, H, hpt); /* [H, B*T]: (r h_{t-1})^T */
  gemm(H, H, (int)rows, hpt, (int)rows, gates + 2 * H, G, du + 2 * H, G, 0);
  col_sum(rows, G, gates, G, db);
}
