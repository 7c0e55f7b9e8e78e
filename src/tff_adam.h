/* tff_adam: the Adam optimiser over a flat parameter block.
 *
 * One step t (1, 2, ...) for every parameter i, as PyTorch's torch.optim.Adam
 * (coupled weight decay, the thesis's "Adam, weight decay 1e-3"):
 *   g  = grad + wd * param                       (decoupled = 0)
 *   m  = beta1 * m + (1 - beta1) * g
 *   v  = beta2 * v + (1 - beta2) * g^2
 *   param -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * With decoupled = 1 (AdamW) the decay is applied to the parameter instead:
 *   param -= lr * wd * param, and g = grad.
 *
 * Contents:
 *   1. Options and the step
 */
#ifndef TFF_ADAM_INCLUDED
#define TFF_ADAM_INCLUDED

#include <stddef.h>

#include "tff_cnn.h"   /* tff_real */

typedef struct {
  double lr;          /* learning rate (1e-3) */
  double beta1;       /* 0.9 */
  double beta2;       /* 0.999 */
  double eps;         /* 1e-8 */
  double wd;          /* weight decay (1e-3) */
  int    decoupled;   /* 0: L2 in the gradient (Adam); 1: AdamW */
} TFF_ADAM;

/* Function:  tff_adam_Defaults()
 * Synopsis:  lr 1e-3, betas 0.9/0.999, eps 1e-8, weight decay 1e-3, coupled.
 */
void tff_adam_Defaults(TFF_ADAM *opt);

/* Function:  tff_adam_Step()
 * Synopsis:  Update params[0..n-1] from grads, moments m and v (zero before the
 *            first step); t is the 1-based step number.
 */
void tff_adam_Step(const TFF_ADAM *opt, long t, tff_real *params, const tff_real *grads,
                   tff_real *m, tff_real *v, size_t n);

#endif /* TFF_ADAM_INCLUDED */
