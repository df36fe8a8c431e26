/* exp for float loops that the compiler vectorises: glibc's expf is a call per element. Range
 * reduction x = n ln2 + r with |r| <= ln2/2 (ln2 split in two parts for accuracy), a degree-6
 * polynomial for e^r, and 2^n put straight into the exponent bits. Inputs are clamped to
 * [-87.3, 88.37], where e^x stays a normal float; the relative error is about 2e-7 (a couple of
 * ulp), checked against exp() in tests/unit/test_fast_exp.c. */
#ifndef MADSWEEP_FAST_EXP_H
#define MADSWEEP_FAST_EXP_H

#include <stdint.h>
#include <string.h>

static inline float fast_expf(float x)
{
    x = x < -87.3f ? -87.3f : x;
    x = x > 88.37f ? 88.37f : x; /* keeps n <= 127 */
    float n = __builtin_rintf(x * 1.44269504088896341f);
    float r = x - n * 0.693359375f;       /* ln2, high part (exact in float) */
    r = r - n * -2.12194440e-4f;          /* ln2, low part */
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

static inline float fast_sigmoidf(float x) { return 1.0f / (1.0f + fast_expf(-x)); }

#endif
