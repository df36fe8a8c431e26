/* The gated chunk loop (chunk-loop.md §4): the delta rule with a per-token decay alpha = exp(g)
 * of the state, in chunk form. Inside a chunk gam_r = sum_{j<=r} g_j, and every decay between
 * two positions r >= c of the chunk is exp(gam_r - gam_c) = Gam[r, c]. */
#include "madsweep/error.h"
#include "madsweep/mixer.h"
#include "madsweep/ops.h"
#include "mixer_internal.h"

/* The decays of all chunks at once, [N, B*H, ...]; the loop takes chunk n of each. */
typedef struct gated_decays {
    tensor_t *Gam;   /* [N, B*H, C, C]: exp(gam_r - gam_c) for r >= c, else 0 */
    tensor_t *e_gam; /* [N, B*H, C]: exp(gam_r), the decay from the chunk's start to r */
    tensor_t *tail;  /* [N, B*H, C]: exp(gam_last - gam_c), from c to the chunk's end (Gam's last row) */
    tensor_t *e_end; /* [N, B*H, 1]: exp(gam_last), across the whole chunk */
} gated_decays_t;

/* g [N, B*H, C] (or [N, B*H, C, 1], as op_to_chunks gives it) */
static gated_decays_t gated_decays(tape_t *t, tensor_t *g, int n, int bh, int c)
{
    gated_decays_t d = {0};
    if (g->numel != (size_t)n * bh * c) {
        char s[64];
        tape_fail(t, "gated_chunk_loop", "g %s is not [%d, %d, %d]", tensor_shape_str(g, s, sizeof s), n, bh, c);
        return d;
    }
    tensor_t *gam = op_cumsum(t, tensor_view(t, g, 0, 3, (int[]){n, bh, c}));
    d.Gam = op_decay_matrix(t, gam);
    d.e_gam = op_unary(t, gam, UNARY_EXP);
    if (!d.Gam)
        return d;
    d.tail = op_slice_cols(t, tensor_view(t, d.Gam, 0, 3, (int[]){n, bh, c * c}), (c - 1) * c, c);
    d.e_end = op_slice_cols(t, d.e_gam, c - 1, 1);
    return d;
}

int gated_chunk_loop(tape_t *t, tensor_t *q, tensor_t *k, tensor_t *v, tensor_t *beta, tensor_t *g,
                     tensor_t **o)
{
    if (!q || !k || !v || !beta || !g)
        return tape_status(t) ? tape_status(t) : ms_fail(MS_ERR_RUN, "gated_chunk_loop: missing input");
    int n_chunks = q->shape[0], bh = q->shape[1], dk = q->shape[3], dv = v->shape[3];
    gated_decays_t d = gated_decays(t, g, n_chunks, bh, q->shape[2]);
    tensor_t *S = tensor_zeros(t, 3, (int[]){bh, dk, dv});
    for (int n = 0; n < n_chunks; n++) {
        tensor_t *Q = mixer_chunk_of(t, q, n), *K = mixer_chunk_of(t, k, n);
        tensor_t *b = mixer_chunk_of(t, beta, n), *Gam = mixer_chunk_of(t, d.Gam, n);
        tensor_t *e_gam = mixer_chunk_of(t, d.e_gam, n);
        tensor_t *Kb = op_scale_rows(t, K, b), *Vb = op_scale_rows(t, mixer_chunk_of(t, v, n), b);
        /* A = -strict((Kb K^T) * Gam); T = (I - A)^{-1}; U = T Vb; W = T (Kb * exp(gam)) */
        tensor_t *A = op_tril(t, op_mul(t, op_bmm(t, Kb, K, false, true), Gam), true, -1.0f);
        tensor_t *T = op_unit_tril_inverse(t, A);
        tensor_t *U = op_bmm(t, T, Vb, false, false);
        tensor_t *W = op_bmm(t, T, op_scale_rows(t, Kb, e_gam), false, false);
        /* P = incl((Q K^T) * Gam): Gam is already zero above the diagonal */
        tensor_t *P = op_mul(t, op_bmm(t, Q, K, false, true), Gam);
        tensor_t *Ut = op_sub(t, U, op_bmm(t, W, S, false, false));
        o[n] = op_add(t, op_bmm(t, op_scale_rows(t, Q, e_gam), S, false, false), op_bmm(t, P, Ut, false, false));
        /* S = exp(gam_last) S + (K * exp(gam_last - gam))^T Ut */
        tensor_t *Kd = op_scale_rows(t, K, mixer_chunk_of(t, d.tail, n));
        S = op_add(t, op_scale_rows(t, S, mixer_chunk_of(t, d.e_end, n)), op_bmm(t, Kd, Ut, true, false));
    }
    return tape_status(t);
}
