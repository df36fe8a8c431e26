/* The run's own random generator (xoshiro256**, seeded through splitmix64). Every random draw
 * in madsweep comes from one of these, so a seed gives the same numbers on any rank and after
 * a resume (the four state words are all there is to save). */
#ifndef MADSWEEP_RNG_H
#define MADSWEEP_RNG_H

#include <stdint.h>

typedef struct rng {
    uint64_t s[4];
} rng_t;

void rng_seed(rng_t *r, uint64_t seed);
uint64_t rng_next(rng_t *r);
double rng_uniform(rng_t *r);                 /* [0, 1), 53 random bits */
uint64_t rng_below(rng_t *r, uint64_t n);     /* uniform integer in [0, n), unbiased; n > 0 */
double rng_normal(rng_t *r);                  /* standard normal (Box-Muller, no cached spare) */
void rng_shuffle_int(rng_t *r, int *a, int n); /* Fisher-Yates */

#endif
