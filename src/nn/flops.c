/* The FLOPs of one training step per token, for the benchmark's GFLOP/s and the sweep's cost
 * estimate. Matrix products only, counted as 3x the forward (the forward and two backward
 * products); elementwise work is not counted. Per token:
 *   each DeltaNet mixer: q, k, v, o projections 4 * 2 D^2, beta 2 D H; the chunk loop per head,
 *     per chunk of C tokens with head width d: five C x C x d products (Kb K^T, T Vb, T Kb, Q K^T,
 *     P Ut), three C x d x d (W S, Q S, K^T Ut) and the triangular inverse C^3 / 3, over C;
 *   a Gated DeltaNet mixer (value width 2 d per head): q, k 2 * 2 D Hd, v and gate 2 * 2 D (2 Hd),
 *     o 2 (2 Hd) D, beta and decay 2 * 2 D H; its loop as above with d_v = 2 d;
 *   each SwiGLU: 3 * 2 D F;   the LanguageModel's head 2 D V (the AutoEncoder's decoder
 *   2 * 2 D^2 + 2 D V). */
#include "madsweep/model.h"

double model_flops_per_token(const model_config_t *c)
{
    double D = c->d_model, H = c->heads, d = c->head_dim, C = c->chunk, F = c->mlp_hidden, V = c->vocab_size;
    double dv = c->variant && c->variant->mixer == MIXER_GATED_DELTA_NET ? 2 * d : d, hd = H * d;
    /* Kb K^T and Q K^T are over d_k; T Vb, P Ut over d_v; T Kb over d_k; W S, Q S, K^T Ut d_k x d_v */
    double loop = H * (2 * C * C * (3 * d + 2 * dv) + 3 * 2 * C * d * dv + C * C * C / 3) / C;
    double mixer = dv == d ? 4 * 2 * D * D + 2 * D * H + loop
                           : 2 * 2 * D * hd + 2 * 2 * D * 2 * hd + 2 * 2 * hd * D + 2 * 2 * D * H + loop;
    double head = c->autoencoder ? 2 * 2 * D * D + 2 * D * V : 2 * D * V;
    return 3.0 * (2 * mixer + 2 * 3 * 2 * D * F + head);
}
