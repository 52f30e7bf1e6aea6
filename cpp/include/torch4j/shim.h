// torch4j native shim: the C interface that Java binds to with JavaCPP.
// Plain C types only, so that the binding does not depend on a C++ ABI or on libtorch.
#ifndef TORCH4J_SHIM_H
#define TORCH4J_SHIM_H

#include <stdint.h>

#if defined(_WIN32)
#  if defined(TORCH4J_BUILDING_SHIM)
#    define TORCH4J_API __declspec(dllexport)
#  else
#    define TORCH4J_API __declspec(dllimport)
#  endif
#else
#  define TORCH4J_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Pixel layouts of a uint8 image batch. */
#define T4J_LAYOUT_NHWC 0
#define T4J_LAYOUT_NCHW 1

/* Status codes. */
#define T4J_OK 0
#define T4J_BAD_ARGUMENT 1

/* Converts a batch of uint8 images (n images of h x w pixels with c channels, laid out NHWC or NCHW)
 * into float32 NCHW: dst = (src / 255 - mean[channel]) / std[channel].
 * mean and std hold c values each; either may be NULL (0 and 1). threads <= 0 uses all cores.
 * Returns T4J_OK, or T4J_BAD_ARGUMENT (a null x, indices or geometry, a non-positive size or a zero std). */
TORCH4J_API int t4j_u8_to_f32(const uint8_t* src, float* dst, int64_t n, int64_t h, int64_t w, int64_t c,
                              int layout, const float* mean, const float* std, int threads);

/* Keeps glibc's allocator from handing big, short-lived buffers (a training step's activations) back
 * to the kernel after every step: mallopt(M_MMAP_THRESHOLD), mallopt(M_TRIM_THRESHOLD) and mallopt(M_TOP_PAD)
 * (the pad keeps a thread arena's free heaps mapped; it must be at least glibc's heap size, 64 MiB).
 * Returns 1 when applied, 0 where the C library has no mallopt (not glibc), -1 when mallopt refused. */
TORCH4J_API int t4j_tune_allocator(int64_t mmap_threshold, int64_t trim_threshold, int64_t top_pad);

/* ---- Image pipeline -------------------------------------------------------------------------------
 * A pipeline is a program of doubles: for each step its opcode, its argument count, its arguments.
 * Every sample gets its own random stream from its 64-bit seed, so results do not depend on threads. */
#define T4J_OP_RESIZE 1               /* h, w: exact size; w = 0: h is the shorter side, aspect kept */
#define T4J_OP_CENTER_CROP 2          /* h, w (zero padding where the image is smaller) */
#define T4J_OP_RANDOM_RESIZED_CROP 3  /* h, w, scale_lo, scale_hi, log_ratio_lo, log_ratio_hi */
#define T4J_OP_RANDOM_ROTATION 4      /* degrees_lo, degrees_hi, fill[3] */
#define T4J_OP_RANDOM_AFFINE 5        /* degrees_lo, degrees_hi, translate_x, translate_y, scale_lo, scale_hi,
                                         shear_x_lo, shear_x_hi, shear_y_lo, shear_y_hi, fill[3] */
#define T4J_OP_RANDOM_HFLIP 6         /* p */
#define T4J_OP_COLOR_JITTER 7         /* brightness lo, hi, contrast lo, hi, saturation lo, hi, hue lo, hi
                                         (NaN: that adjustment is off) */
#define T4J_OP_GRAYSCALE 8            /* output channels (1 or 3) */
#define T4J_OP_TO_TENSOR 9            /* 8-bit values to floats in [0, 1] */
#define T4J_OP_NORMALIZE 10           /* c, mean[c], std[c] */
#define T4J_OP_CROP 11                /* top, left, h, w */
#define T4J_OP_HFLIP 12               /* (none): always flip */
#define T4J_OP_ROTATE 13              /* degrees, fill[3] */
#define T4J_OP_AFFINE 14              /* degrees, translate_x, translate_y, scale, shear_x, shear_y, fill[3] */
#define T4J_OP_ADJUST 15              /* which (0 brightness, 1 contrast, 2 saturation, 3 hue), factor */

/* More status codes. */
#define T4J_SAMPLE_ERRORS 2  /* some samples failed: see status[i] and their messages */
#define T4J_STATUS_DECODE 2  /* the file could not be read or decoded */
#define T4J_STATUS_SHAPE 3   /* the sample's output does not have the batch's shape */

/* Checks a program; on error writes a message to error (error_size bytes) and returns T4J_BAD_ARGUMENT. */
TORCH4J_API int t4j_pipeline_check(const double* program, int64_t length, char* error, int64_t error_size);

/* The output shape {c, h, w} of a program for an input of in_h x in_w x in_c (8-bit when quantized). */
TORCH4J_API int t4j_pipeline_output_shape(const double* program, int64_t length, int64_t in_h, int64_t in_w,
                                          int64_t in_c, int quantized, int64_t* out_chw, char* error,
                                          int64_t error_size);

/* The random parameters a program of one random step draws for an h x w image with `seed`, as the pipeline
 * draws them (for checking the sampling against torchvision's): RandomResizedCrop top, left, h, w;
 * RandomRotation angle; RandomAffine angle, tx, ty, scale, shear_x, shear_y; ColorJitter order[4] then
 * factor[4] (NaN: off); RandomHorizontalFlip 1 or 0. Writes up to 8 values to out and their number to count. */
TORCH4J_API int t4j_pipeline_draw(const double* program, int64_t length, int64_t h, int64_t w, int64_t seed,
                                  double* out, int64_t* count, char* error, int64_t error_size);

/* Height, width and channels (always 3: images are read as RGB) of a JPEG or PNG file, from its header. */
TORCH4J_API int t4j_image_info(const char* path, int64_t* hwc, char* error, int64_t error_size);

/* Decodes n image files (UTF-8 paths, NUL-terminated, at paths + offsets[i]), runs the program on each
 * with seeds[i], and writes sample i as float32 c x h x w at dst + i * c * h * w, its values in
 * out_layout order: T4J_LAYOUT_NCHW (planes) or T4J_LAYOUT_NHWC (each pixel's channels together, what a
 * channels-last model reads without a reorder). fast_decode lets JPEG
 * decoding scale down in the DCT domain when the first step is a Resize much smaller than the file.
 * Returns T4J_OK, T4J_BAD_ARGUMENT (message in errors), or T4J_SAMPLE_ERRORS: status[i] is T4J_OK or a
 * T4J_STATUS_ code and errors + i * error_size holds sample i's message. */
TORCH4J_API int t4j_pipeline_run_files(const double* program, int64_t length, const char* paths,
                                       const int64_t* offsets, int64_t n, const int64_t* seeds, int fast_decode,
                                       float* dst, int out_layout, int64_t c, int64_t h, int64_t w, int threads,
                                       int32_t* status, char* errors, int64_t error_size);

/* The same for n images in memory: uint8 (float_input = 0; 8-bit values) or float32 (float_input = 1;
 * values already in [0, 1]), laid out NCHW or NHWC with in_c x in_h x in_w per image; dst as above. */
TORCH4J_API int t4j_pipeline_run_pixels(const double* program, int64_t length, const void* src, int float_input,
                                        int layout, int64_t n, int64_t in_c, int64_t in_h, int64_t in_w,
                                        const int64_t* seeds, float* dst, int out_layout, int64_t c, int64_t h,
                                        int64_t w, int threads, int32_t* status, char* errors, int64_t error_size);

/* Max pooling of `planes` contiguous h x w float planes (NCHW with planes = N * C), as PyTorch's max_pool2d:
 * geometry = {kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w, out_h, out_w}, the
 * output size as PyTorch computes it (ceil mode included). Writes the maxima to y and, per output, the index of
 * the chosen input within its plane (iy * w + ix; ties: the first; NaN: the last NaN) to indices. y may be NULL:
 * then only the indices are written (a caller that gathers the values itself).
 * threads <= 0 uses all cores; the planes go to the calling thread's OpenMP team when libtorch's OpenMP runtime is
 * loaded (see t4j_uses_openmp_team), else to threads started for the call. Returns T4J_OK, or T4J_BAD_ARGUMENT (a null x, indices or geometry, a non-positive size, padding
 * above half the kernel, a window starting outside the input or one whose taps all miss it). */
TORCH4J_API int t4j_max_pool2d_f32(const float* x, int64_t planes, int64_t h, int64_t w, const int64_t* geometry,
                                   float* y, int64_t* indices, int threads);

/* One Adam (or AdamW) update of n contiguous float parameters in place, as torch.optim.Adam's single-tensor step
 * `step` (counted from 1): exp_avg and exp_avg_sq are updated in place, and max_exp_avg_sq too when it is not NULL
 * (AMSGrad). weight_decay is added to the gradient (Adam) or, with decoupled = 1, shrinks the parameter first (AdamW).
 * Single-threaded: a parameter of the seed models is small. Returns T4J_OK, or T4J_BAD_ARGUMENT (a null buffer,
 * n < 0, step < 1). */
TORCH4J_API int t4j_adam_step_f32(float* param, const float* grad, float* exp_avg, float* exp_avg_sq,
                                  float* max_exp_avg_sq, int64_t n, double lr, double beta1, double beta2, double eps,
                                  double weight_decay, int decoupled, double step);

/* The input gradient of a 2-D convolution (dilation 1, one group) from its output gradient, NCHW float32, as
 * PyTorch's convolution backward computes it up to rounding: grad_input[n][c][iy][ix] = sum over o, i, j with
 * iy = oy * stride_h - pad_h + i and ix = ox * stride_w - pad_w + j of grad_output[n][o][oy][ox] * weight[o][c][i][j].
 * geometry = {n, in_c, in_h, in_w, out_c, kernel_h, kernel_w, out_h, out_w, stride_h, stride_w, pad_h, pad_w}; the
 * output size must be the convolution's. grad_input is overwritten. threads <= 0 uses all cores; samples go to the
 * calling thread's OpenMP team as in t4j_max_pool2d_f32. Returns T4J_OK, or T4J_BAD_ARGUMENT (a null buffer, a
 * non-positive size, a negative padding, an output size that does not match). */
TORCH4J_API int t4j_conv2d_grad_input_f32(const float* grad_output, const float* weight, float* grad_input,
                                          const int64_t* geometry, int threads);

/* A 2-D convolution (dilation 1, one group) for inputs of few channels, NCHW float32, as PyTorch's conv2d computes it
 * up to rounding: y[n][o][oy][ox] = bias[o] + sum over c, i, j of weight[o][c][i][j] * x[n][c][oy * stride_h - pad_h + i]
 * [ox * stride_w - pad_w + j] (zero outside x). geometry as in t4j_conv2d_grad_input_f32; padding below the kernel size.
 * bias may be NULL. y is overwritten. Meant for 1-4 input channels (a network's first layer): the cost per sample
 * grows with in_c * stride_h * stride_w. threads <= 0 uses all cores; samples go to the calling thread's OpenMP team as
 * in t4j_max_pool2d_f32. Returns T4J_OK, or T4J_BAD_ARGUMENT (a null buffer, a non-positive size, a padding that
 * is negative or not below the kernel, an output size that does not match). */
TORCH4J_API int t4j_conv2d_few_channels_f32(const float* x, const float* weight, const float* bias, float* y,
                                            const int64_t* geometry, int threads);

/* The weight and bias gradients of t4j_conv2d_few_channels_f32's convolution from its output gradient:
 * grad_weight[o][c][i][j] = sum over n, oy, ox of grad_output[n][o][oy][ox] * x[n][c][oy * stride_h - pad_h + i]
 * [ox * stride_w - pad_w + j], grad_bias[o] = sum of grad_output[n][o]; each summed in double per thread, the threads'
 * sums added in a fixed order. Either output may be NULL (not both); both are overwritten. Returns as
 * t4j_conv2d_few_channels_f32. */
TORCH4J_API int t4j_conv2d_few_channels_grad_weight_f32(const float* x, const float* grad_output, float* grad_weight,
                                                        float* grad_bias, const int64_t* geometry, int threads);

/* Picks n images of a uint8 set of `count` images [count][c][plane] by index (rows) into float32 [n][c][plane]:
 * (v / 255 - mean[k]) / std[k] per channel, each step rounded as a float (the bits of libtorch's float32(), div(255),
 * sub(mean), div(std)), or v / 255 when mean and std are both NULL. The work goes to the calling thread's OpenMP team
 * as in t4j_max_pool2d_f32. Returns T4J_OK, or T4J_BAD_ARGUMENT (a null buffer, a non-positive size, an index out of
 * range, one of mean and std without the other, a zero std). */
TORCH4J_API int t4j_u8_rows_to_f32(const uint8_t* src, int64_t count, const int64_t* rows, int64_t n, int64_t c,
                                   int64_t plane, const float* mean, const float* std, float* dst, int threads);

/* Batch normalisation in training over contiguous [n][c][p] floats (p = H * W), as PyTorch's batch_norm with batch
 * statistics up to rounding: y = (v - mean[c]) / sqrt(var[c] + eps) * weight[c] + bias[c], where v is x, or max(x, 0)
 * when relu_input is nonzero (a ReLU before the batch norm, applied on the fly), and mean and var (biased) are taken
 * over the n * p values of each channel, summed in double in an order fixed by the shape (the same for any thread count).
 * weight and bias may be NULL (1 and 0). save_mean and save_invstd receive mean and 1 / sqrt(var + eps) for the
 * backward. running_mean and running_var (both or neither) become (1 - momentum) * old + momentum * (mean, unbiased
 * var). threads <= 0 uses all cores; work goes to the calling thread's OpenMP team as in t4j_max_pool2d_f32. Returns
 * T4J_OK, or T4J_BAD_ARGUMENT (a null buffer, a non-positive size, one value per channel, a negative eps, a momentum
 * outside [0, 1], one running buffer without the other). */
TORCH4J_API int t4j_batch_norm_train_f32(const float* x, float* y, const float* weight, const float* bias, float* save_mean,
                                         float* save_invstd, float* running_mean, float* running_var, int64_t n, int64_t c,
                                         int64_t p, double momentum, double eps, int relu_input, int threads);

/* The gradients of t4j_batch_norm_train_f32 from the output's gradient, with the mean and invstd it saved:
 * grad_weight[c] = sum of grad_output * xhat, grad_bias[c] = sum of grad_output, grad_input = weight * invstd *
 * (grad_output - mean of grad_output - xhat * mean of grad_output * xhat), xhat = (v - mean) * invstd, and 0 where
 * relu_input cut x (x <= 0). Any of the three outputs may be NULL (not all). Returns as t4j_batch_norm_train_f32. */
TORCH4J_API int t4j_batch_norm_train_backward_f32(const float* x, const float* grad_output, const float* weight,
                                                  const float* save_mean, const float* save_invstd, float* grad_input,
                                                  float* grad_weight, float* grad_bias, int64_t n, int64_t c, int64_t p,
                                                  int relu_input, int threads);

/* Dropout's scaled mask: each of the n floats is 1/keep with probability keep (to 2^-24), else 0, from a counter-based
 * hash of (seed, index): the same mask for the same seed whatever the thread count. threads <= 0 uses all cores; the
 * work goes to the calling thread's OpenMP team as in t4j_max_pool2d_f32. Returns T4J_OK, or T4J_BAD_ARGUMENT (a null
 * mask, a negative n, keep outside (0, 1]). */
TORCH4J_API int t4j_dropout_mask_f32(float* mask, int64_t n, double keep, uint64_t seed, int threads);

/* 1 when the shim's tensor operations (max pooling) split their work over the calling thread's OpenMP team, the
 * runtime libtorch has loaded (libgomp.so.1 on Linux); 0 when they start threads of their own. */
TORCH4J_API int t4j_uses_openmp_team(void);

/* The shim's version, e.g. "0.1.0". */
TORCH4J_API const char* t4j_version(void);

#ifdef __cplusplus
}
#endif

#endif
