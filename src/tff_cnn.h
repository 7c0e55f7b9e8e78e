/* tff_cnn: the reverse-complement-invariant, fully convolutional network.
 *
 * The network of the thesis (Fig. 2): a motif, encoded as a 4 x W matrix, and
 * its reverse complement each pass through the same stack of 1-D convolutions
 * ("same" padding, k/2 on each side, ReLU after each), a global max pool over
 * positions reduces each strand to one value per output channel, the two
 * strands are averaged and a softmax gives one probability per family:
 *
 *   x (4 x W) --conv k3--> 16 x W --conv k5--> 16 x W --conv k7--> 20 x W
 *             --conv k1--> F x W --max over W--> F   (same for RC(x)),
 *   logits = (max_fwd + max_rc) / 2,  p = softmax(logits)
 *
 * F, the number of families, comes from the training labels. There is no
 * dense layer: any motif width works. The encoding of the motif, whether the
 * last convolution has a ReLU, and padding of short motifs are part of the
 * architecture (TFF_CNN_ARCH) and are stored in model files; see
 * doc/cnn.md for why the shipped defaults differ from the thesis's text.
 *
 * Layout (llm.c style): all weights and biases live in one flat block
 * (net->params, nparams reals); gradients and Adam moments are blocks of the
 * same layout owned by the trainer. Layer l has W[l][(co*cin + ci)*k + j]
 * (PyTorch's Conv1d layout) and b[l][co].
 *
 * The compute engine works on a "row": several sequences (segments) laid end
 * to end, each followed by <margin> zero columns, so that one convolution pass
 * over the row is exactly "same" zero padding for each segment. After every
 * layer the gap columns are set back to zero and the max pool looks only
 * inside segments, so batching motifs of different widths gives exactly the
 * results of one-at-a-time evaluation.
 *
 * Precision: tff_real is float, or double when compiled with TFF_CNN_DOUBLE
 * (the gradient check in the unit tests uses double).
 *
 * Contents:
 *   1. Architecture and parameters
 *   2. Input encoding
 *   3. Workspaces and the row engine
 *   4. Training: loss and gradient of one motif
 *   5. Inference
 */
#ifndef TFF_CNN_INCLUDED
#define TFF_CNN_INCLUDED

#include <stddef.h>
#include <stdint.h>

#include "tff_motif.h"
#include "tff_util.h"

#ifdef TFF_CNN_DOUBLE
typedef double tff_real;
#else
typedef float tff_real;
#endif

#define TFF_CNN_MAXLAYERS 6
#define TFF_CNN_MAXCH     256
#define TFF_CNN_MAXK      15

/* Input encodings of a motif column p[A,C,G,T]. */
enum tff_cnn_encoding {
  tffCNN_ENC_PROB    = 0,   /* p, as is (the thesis's literal input) */
  tffCNN_ENC_CENTER  = 1,   /* p - 0.25: a uniform column (and the zero padding) is 0 */
  tffCNN_ENC_LOGODDS = 2,   /* log2(p' / 0.25), p' = (p + 0.01) / 1.04 */
  tffCNN_ENC_IC      = 3    /* p * IC (logo heights), IC = 2 - H(column) in bits */
};

/* Weight initialisations. */
enum tff_cnn_init {
  tffCNN_INIT_TORCH = 0,    /* PyTorch Conv1d default: W, b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) */
  tffCNN_INIT_HE    = 1     /* W ~ N(0, 2/fan_in), b = 0 */
};

/* 1. Architecture and parameters */
typedef struct {
  int nlayers;                   /* number of convolutions */
  int ch[TFF_CNN_MAXLAYERS];     /* output channels; the last is set to the number of families */
  int k[TFF_CNN_MAXLAYERS];      /* kernel widths, odd; padding k/2 */
  int last_relu;                 /* 1: ReLU after the last convolution too (thesis text) */
  int encoding;                  /* enum tff_cnn_encoding */
  int minw;                      /* motifs narrower than this get (minw-w+1)/2 uniform columns on each side; 0: none */
} TFF_CNN_ARCH;

typedef struct tff_cnn_ws_s TFF_CNN_WS;

typedef struct {
  TFF_CNN_ARCH a;
  int          nfam;
  int          cin[TFF_CNN_MAXLAYERS];   /* input channels of each layer */
  size_t       woff[TFF_CNN_MAXLAYERS];  /* offset of W[l] in a parameter block */
  size_t       boff[TFF_CNN_MAXLAYERS];  /* offset of b[l] */
  size_t       nparams;
  int          margin;                   /* max k/2: zero columns around each segment */
  tff_real    *params;                   /* the weights and biases */
  TFF_CNN_WS  *ws;                       /* inference workspace of tff_cnn_Predict(), made on first use */
} TFF_CNN;

/* Function:  tff_cnn_ArchThesis()
 * Synopsis:  The network exactly as the thesis describes it (probabilities in,
 *            ReLU after every layer, no padding of short motifs).
 */
void tff_cnn_ArchThesis(TFF_CNN_ARCH *a);

/* Function:  tff_cnn_ArchDefault()
 * Synopsis:  The shipped architecture (doc/cnn.md): thesis layers, centred
 *            input (p - 0.25), no ReLU after the last convolution.
 */
void tff_cnn_ArchDefault(TFF_CNN_ARCH *a);

/* Function:  tff_cnn_ArchCheck()
 * Synopsis:  Validate an architecture (layer count, channels, odd kernels).
 * Returns:   tffOK, or tffEINVAL with a message.
 */
int  tff_cnn_ArchCheck(const TFF_CNN_ARCH *a, char *errbuf);

/* Function:  tff_cnn_Create()
 * Synopsis:  A network for <nfam> families, parameters zero.
 * Returns:   tffOK and *ret_net; tffEINVAL (bad architecture), tffEMEM.
 */
int  tff_cnn_Create(const TFF_CNN_ARCH *a, int nfam, TFF_CNN **ret_net, char *errbuf);
void tff_cnn_Destroy(TFF_CNN *net);

/* Function:  tff_cnn_Init()
 * Synopsis:  Draw initial parameters (enum tff_cnn_init) from <seed>.
 */
void tff_cnn_Init(TFF_CNN *net, int init, uint64_t seed);

/* 2. Input encoding */

/* Function:  tff_cnn_EncodedWidth()
 * Synopsis:  Width of the encoded input of a motif of width w: w, or if w < minw,
 *            w plus (minw - w + 1) / 2 uniform columns on each side (the same
 *            number on both sides keeps the padding RC-symmetric).
 */
int  tff_cnn_EncodedWidth(const TFF_CNN_ARCH *a, int w);

/* Function:  tff_cnn_Encode()
 * Synopsis:  Encode a w x 4 probability matrix (row-major ACGT) as the network
 *            input x[4 * W'] (channel-major: x[a*W' + t]) and, if opt_rc is not
 *            NULL, its reverse complement the same way. W' = EncodedWidth().
 */
void tff_cnn_Encode(const TFF_CNN_ARCH *a, const double *p, int w, tff_real *x, tff_real *opt_rc);

/* 3. Workspaces */

/* Function:  tff_cnn_WsCreate()
 * Synopsis:  Scratch space for rows of up to <maxlen> columns (gaps included).
 *            One per thread. tff_cnn_RowLength() says how long a row must be.
 */
int  tff_cnn_WsCreate(const TFF_CNN *net, int maxlen, TFF_CNN_WS **ret_ws, char *errbuf);
void tff_cnn_WsDestroy(TFF_CNN_WS *ws);
/* Columns a row needs for one motif of encoded width W (both strands). */
int  tff_cnn_RowLength(const TFF_CNN *net, int W);

/* 4. Training */

/* Function:  tff_cnn_Gradient()
 * Synopsis:  Loss and gradient of one motif.
 * Purpose:   Forward pass of x (4 x W, encoded) and rc (its reverse
 *            complement), weighted cross-entropy against family y:
 *            loss = -weight * log p[y]. The gradient with respect to every
 *            parameter is ADDED to grads (nparams reals, same layout as
 *            net->params). opt_probs (nfam) receives p.
 * Returns:   the loss.
 */
double tff_cnn_Gradient(const TFF_CNN *net, TFF_CNN_WS *ws, const tff_real *x, const tff_real *rc, int W,
                        int y, double weight, tff_real *grads, double *opt_probs);

/* Function:  tff_cnn_Logits()
 * Synopsis:  Forward pass of one encoded motif: logits[nfam] (before the softmax).
 */
void tff_cnn_Logits(const TFF_CNN *net, TFF_CNN_WS *ws, const tff_real *x, const tff_real *rc, int W, double *logits);

/* Function:  tff_cnn_BackwardLogits()
 * Synopsis:  After tff_cnn_Logits() on the same ws: back-propagate dlogits
 *            (nfam), adding to opt_grads (parameter gradient) and writing
 *            opt_dx / opt_drc (4 x W: gradient with respect to the encoded
 *            input of each strand). For attribution methods (Integrated Gradients).
 */
void tff_cnn_BackwardLogits(const TFF_CNN *net, TFF_CNN_WS *ws, const double *dlogits,
                            tff_real *opt_grads, tff_real *opt_dx, tff_real *opt_drc);

/* Function:  tff_cnn_RowReset(), tff_cnn_RowAdd(), tff_cnn_RowForward(), tff_cnn_RowBackwardInput()
 * Synopsis:  Many encoded sequences through the network in one row, and the
 *            gradient with respect to each one's input (attribution methods).
 * Purpose:   RowReset() empties the row; RowAdd() appends one encoded
 *            sequence (4 x W, a strand: a motif is two segments, x and rc)
 *            and returns 0 if the row is full (size the workspace with
 *            tff_cnn_WsCreate(net, margin + n * (W + margin)) for n segments
 *            of width W). RowForward() runs the row and writes each segment's
 *            max-pooled outputs, z[s * nfam + f] (the logits of a motif are
 *            the mean of its two segments'); it returns the number of
 *            segments. RowBackwardInput(), after RowForward() on the same ws,
 *            takes dz[s * nfam + f], the gradient with respect to those
 *            outputs, and writes the gradient with respect to each segment's
 *            input into dx (the segments one after the other, each 4 x W
 *            channel-major). No parameter gradient.
 *            Each segment's results are those of a row holding it alone. The
 *            backward pass sums in another order than tff_cnn_BackwardLogits()
 *            (its vectorised transposed convolution), so the two agree to
 *            rounding, not to the bit.
 */
void tff_cnn_RowReset(const TFF_CNN *net, TFF_CNN_WS *ws);
int  tff_cnn_RowAdd(const TFF_CNN *net, TFF_CNN_WS *ws, const tff_real *x, int W);
int  tff_cnn_RowForward(const TFF_CNN *net, TFF_CNN_WS *ws, double *z);
void tff_cnn_RowBackwardInput(const TFF_CNN *net, TFF_CNN_WS *ws, const double *dz, tff_real *dx);
/* The same for one family f (Integrated Gradients of one logit): RowForwardOne()
 * computes the last layer for channel f only (zf[s]: segment s's output);
 * RowBackwardInputOne() the gradient of sum_s dzf[s] * z[s][f], only on the
 * columns that can be nonzero. Each gives the bits of the full function. */
/* tff_cnn_WsFixWeights(): net's weights will not change while ws serves it (an
 * attribution run): the backward passes' transposed kernels are made once, here,
 * not at every call. */
void tff_cnn_WsFixWeights(const TFF_CNN *net, TFF_CNN_WS *ws);
int  tff_cnn_RowForwardOne(const TFF_CNN *net, TFF_CNN_WS *ws, int f, double *zf);
void tff_cnn_RowBackwardInputOne(const TFF_CNN *net, TFF_CNN_WS *ws, int f, const double *dzf, tff_real *dx);

/* Softmax of n logits into probs: tff_calib_Softmax(logits, n, 1.0, probs). */

/* 5. Inference */

/* Function:  tff_cnn_Predict()
 * Synopsis:  Family probabilities (nfam) of one motif.
 * Purpose:   Uses the network's own workspace: not for concurrent use of one
 *            TFF_CNN from several threads (give each thread a workspace and
 *            call tff_cnn_PredictBatchWs()).
 */
int  tff_cnn_Predict(TFF_CNN *net, const TFF_MOTIF *m, double *probs, char *errbuf);

/* Function:  tff_cnn_PredictBatch()
 * Synopsis:  Probabilities of n motifs into probs[i * nfam + f].
 * Purpose:   Motifs are packed into long rows (any mix of widths) and run
 *            through the network together; results are identical to
 *            one-at-a-time prediction. No allocation after the first call,
 *            unless a motif wider than any before arrives.
 * Returns:   tffOK; tffEFORMAT (naming the motif) when a probability is not
 *            finite (a model whose weights overflow); tffEMEM.
 */
int  tff_cnn_PredictBatch(TFF_CNN *net, TFF_MOTIF *const *m, int n, double *probs, char *errbuf);
int  tff_cnn_PredictBatchWs(const TFF_CNN *net, TFF_CNN_WS *ws, TFF_MOTIF *const *m, int n, double *probs, char *errbuf);

#endif /* TFF_CNN_INCLUDED */
