/* tff_adam: Adam and AdamW.
 *
 * Contents:
 *   1. The step
 *   2. Unit tests (tffADAM_TESTDRIVE)
 */
#include <config.h>

#include <math.h>

#include "tff_adam.h"

/* 1. The step */

void
tff_adam_Defaults(TFF_ADAM *opt)
{
  opt->lr = 1e-3; opt->beta1 = 0.9; opt->beta2 = 0.999; opt->eps = 1e-8; opt->wd = 1e-3; opt->decoupled = 0;
}

void
tff_adam_Step(const TFF_ADAM *opt, long t, tff_real *restrict params, const tff_real *restrict grads,
              tff_real *restrict m, tff_real *restrict v, size_t n)
{
  const tff_real b1 = (tff_real) opt->beta1, b2 = (tff_real) opt->beta2;
  const tff_real c1 = (tff_real) (1.0 - opt->beta1), c2 = (tff_real) (1.0 - opt->beta2);
  const tff_real step = (tff_real) (opt->lr / (1.0 - pow(opt->beta1, (double) t)));
  const tff_real rbc2 = (tff_real) (1.0 / sqrt(1.0 - pow(opt->beta2, (double) t)));
  const tff_real eps = (tff_real) opt->eps, wd = (tff_real) opt->wd;
  const tff_real dec = (tff_real) (1.0 - opt->lr * opt->wd);

  for (size_t i = 0; i < n; i++) {
    tff_real g = grads[i];
    if (opt->decoupled) params[i] *= dec;
    else                g += wd * params[i];
    m[i] = b1 * m[i] + c1 * g;
    v[i] = b2 * v[i] + c2 * g * g;
    params[i] -= step * m[i] / (sqrtf((float) v[i]) * rbc2 + eps);
  }
}

/* 2. Unit tests */
#ifdef tffADAM_TESTDRIVE
#include <stdio.h>
#include <stdlib.h>

#include "tff_utest.h"

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_adam_utest", NULL);
  TFF_ADAM opt;
  tff_real p[2] = { 0.5f, -2.0f }, g[2] = { 0.1f, 0.0f }, m[2] = { 0, 0 }, v[2] = { 0, 0 };

  tff_adam_Defaults(&opt);
  /* By hand, step 1, parameter 0: g = 0.1 + 1e-3 * 0.5 = 0.1005;
   * m = 0.01005, v = 1.010025e-05; mhat = 0.1005, sqrt(vhat) = 0.1005;
   * p = 0.5 - 1e-3 * 0.1005 / (0.1005 + 1e-8) = 0.499000000099502...
   * parameter 1 (zero gradient, decay only): g = -0.002, p = -2 + 1e-3 * 0.002/(0.002 + 1e-8) = -1.999000004999... */
  tff_adam_Step(&opt, 1, p, g, m, v, 2);
  if (fabs(p[0] - 0.4990000000995) > 1e-7 || fabs(m[0] - 0.01005) > 1e-9 || fabs(v[0] - 1.010025e-05) > 1e-11) TFF_UFAIL("step 1, param 0");
  if (fabs(p[1] - (-1.999000005)) > 1e-6) TFF_UFAIL("step 1, param 1 (weight decay)");
  /* step 2, parameter 0 with gradient 0.3: g = 0.3 + 1e-3 * p0 = 0.300499000...;
   * m = 0.9*0.01005 + 0.1*g = 0.0390949; v = 0.999*1.010025e-05 + 0.001*g^2 = 1.0039e-4 (approx);
   * p -= 1e-3/(1-0.81) * m / (sqrt(v)/sqrt(1-0.998001) + 1e-8) */
  {
    double p0 = p[0], gg = 0.3 + 1e-3 * p0, mm = 0.9 * m[0] + 0.1 * gg, vv = 0.999 * v[0] + 0.001 * gg * gg;
    double want = p0 - 1e-3 / (1 - 0.81) * mm / (sqrt(vv) / sqrt(1 - 0.998001) + 1e-8);
    g[0] = 0.3f; g[1] = 0.0f;
    tff_adam_Step(&opt, 2, p, g, m, v, 2);
    if (fabs(p[0] - want) > 1e-6 || fabs(m[0] - mm) > 1e-7) TFF_UFAIL("step 2");
  }
  /* AdamW: decay applied to the parameter, not the gradient */
  {
    tff_real q = 1.0f, gq = 0.0f, mq = 0, vq = 0;
    opt.decoupled = 1; opt.wd = 0.1;
    tff_adam_Step(&opt, 1, &q, &gq, &mq, &vq, 1);
    if (fabs(q - (1.0 - 1e-3 * 0.1)) > 1e-7) TFF_UFAIL("AdamW decay");
  }
  return tff_utest_Done();
}
#endif /* tffADAM_TESTDRIVE */
