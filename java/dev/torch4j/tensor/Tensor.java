package dev.torch4j.tensor;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * An n-dimensional array on a device, with autograd: a thin, Java-shaped view of a libtorch tensor.
 * Operations return new tensors; methods ending in an underscore change this one in place, as in PyTorch.
 * Native memory is released when the enclosing {@link Scope} closes, by {@link #close()}, or by the GC.
 */
public final class Tensor implements AutoCloseable {
    private final org.bytedeco.pytorch.Tensor t;

    private Tensor(org.bytedeco.pytorch.Tensor t) {
        this.t = t;
        UnscopedMemory.created(t);
    }

    /** Wraps a presets tensor (escape hatch for code that talks to {@code org.bytedeco.pytorch} directly). */
    public static Tensor wrap(org.bytedeco.pytorch.Tensor t) {
        return new Tensor(t);
    }

    /** The underlying presets tensor; fails clearly when this tensor has been released. */
    public org.bytedeco.pytorch.Tensor handle() {
        if (t.isNull()) {
            throw new IllegalStateException("this tensor has been released (its Scope closed, close() was called, or it came from a "
                    + "DataLoader batch taken outside a Scope and the loader moved on); use scope.keep(t) to carry a tensor out of a scope");
        }
        return t;
    }

    /**
     * Runs a libtorch call that returns a tensor, wrapping the result and translating libtorch's errors into
     * {@link TorchException} (the C++ trace moved out of the message): the one wrapper for code that calls the presets
     * directly (layers, losses, functional ops), e.g. {@code Tensor.call(() -> torch.mse_loss(a.handle(), b.handle(), 1))}.
     */
    public static Tensor call(Supplier<org.bytedeco.pytorch.Tensor> f) {
        try {
            return new Tensor(f.get());
        } catch (RuntimeException e) {
            throw TorchException.from(e);
        }
    }

    static Tensor op(Supplier<org.bytedeco.pytorch.Tensor> f) {
        return call(f);
    }

    private static TensorOptions options(DType dtype) {
        return new TensorOptions(dtype.scalarType);
    }

    // ---- creation -------------------------------------------------------------------------------------

    public static Tensor zeros(long... shape) {
        return zeros(DType.FLOAT32, shape);
    }

    public static Tensor zeros(DType dtype, long... shape) {
        Torch.init();
        checkShape(shape);
        return op(() -> torch.zeros(shape, options(dtype)));
    }

    /** Zeros laid out in {@code format} (shape as given, [N, C, H, W] for channels-last), as torch.zeros then .contiguous(format). */
    public static Tensor zeros(MemoryFormat format, DType dtype, long... shape) {
        Torch.init();
        checkShape(shape);
        if (format == MemoryFormat.CONTIGUOUS) return zeros(dtype, shape);
        if (shape.length != 4) throw new IllegalArgumentException("a " + format + " tensor has 4 dimensions, got shape " + Arrays.toString(shape));
        return op(() -> torch.empty(shape, options(dtype), new org.bytedeco.pytorch.MemoryFormatOptional(format.native_)).zero_());
    }

    /** A tensor whose values are not set (torch.empty): memory is only reserved until written, so fill it before reading. */
    public static Tensor empty(DType dtype, long... shape) {
        Torch.init();
        checkShape(shape);
        return op(() -> torch.empty(shape, options(dtype), new org.bytedeco.pytorch.MemoryFormatOptional()));
    }

    public static Tensor ones(long... shape) {
        return ones(DType.FLOAT32, shape);
    }

    public static Tensor ones(DType dtype, long... shape) {
        Torch.init();
        checkShape(shape);
        return op(() -> torch.ones(shape, options(dtype)));
    }

    public static Tensor full(double value, long... shape) {
        Torch.init();
        checkShape(shape);
        return op(() -> torch.full(shape, new Scalar(value), options(DType.FLOAT32)));
    }

    /** Uniform on [0, 1), from this thread's {@link Generator} (or the global one), as {@code torch.rand}. */
    public static Tensor rand(long... shape) {
        return zeros(shape).uniform_(0, 1);
    }

    /** Standard normal, from this thread's {@link Generator} (or the global one), as {@code torch.randn}. */
    public static Tensor randn(long... shape) {
        return zeros(shape).normal_(0, 1);
    }

    /** Uniform random integers in [0, high) as int64, as {@code torch.randint}. */
    public static Tensor randint(long high, long... shape) {
        Tensor t = zeros(DType.INT64, shape);
        try {
            t.handle().random_(0, new LongOptional(high), Generator.forDevice(t.device()));
        } catch (RuntimeException e) {
            throw TorchException.from(e);
        }
        return t;
    }

    /** One draw in [0, 2^63 - 1) from libtorch's global CPU generator (seeds derived from {@link Torch#manualSeed}). */
    static long globalRandomLong() {
        Torch.init();
        return op(() -> torch.zeros(new long[] {1}, options(DType.INT64)).random_(0, new LongOptional(Long.MAX_VALUE),
                new org.bytedeco.pytorch.GeneratorOptional())).itemLong();
    }

    /** How many elements are NaN or infinite (0 for integer tensors). */
    public long nonFiniteCount() {
        if (!dtype().isFloatingPoint()) return 0;
        try (Scope s = Scope.open()) {
            return op(() -> torch.isfinite(handle()).logical_not().sum()).itemLong();
        }
    }

    // ---- random fills (in place; from this thread's Generator, else the global one) ---------------------

    /** Fills with U(from, to). */
    public Tensor uniform_(double from, double to) {
        return fillRandom(gen -> handle().uniform_(from, to, gen));
    }

    /** Fills with N(mean, std^2). */
    public Tensor normal_(double mean, double std) {
        return fillRandom(gen -> handle().normal_(mean, std, gen));
    }

    /** Fills with 1 with probability {@code p}, else 0. */
    public Tensor bernoulli_(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("bernoulli probability must be in [0, 1], got " + p);
        return fillRandom(gen -> handle().bernoulli_(p, gen));
    }

    /** Runs an in-place random op with this thread's generator for this tensor's device, outside autograd. */
    private Tensor fillRandom(java.util.function.Consumer<org.bytedeco.pytorch.GeneratorOptional> op) {
        try (Torch.NoGrad g = Torch.noGrad()) {
            op.accept(Generator.forDevice(device()));
        } catch (RuntimeException e) {
            throw TorchException.from(e);
        }
        return this;
    }

    /** 0, 1, ..., end - 1 as int64. */
    public static Tensor arange(long end) {
        return arange(0, end, 1);
    }

    public static Tensor arange(long start, long end, long step) {
        Torch.init();
        return op(() -> torch.arange(new Scalar(start), new Scalar(end), new Scalar(step), options(DType.INT64)));
    }

    /** A float32 range: start, start + step, ... below end. */
    public static Tensor arange(double start, double end, double step) {
        Torch.init();
        return op(() -> torch.arange(new Scalar(start), new Scalar(end), new Scalar(step), options(DType.FLOAT32)));
    }

    /** A float32 tensor holding {@code data} (row-major) with the given shape; no shape means 1-d. */
    public static Tensor of(float[] data, long... shape) {
        return filled(DType.FLOAT32, data.length, shape, p -> new FloatPointer(p).put(data));
    }

    public static Tensor of(double[] data, long... shape) {
        return filled(DType.FLOAT64, data.length, shape, p -> new DoublePointer(p).put(data));
    }

    public static Tensor of(long[] data, long... shape) {
        return filled(DType.INT64, data.length, shape, p -> new LongPointer(p).put(data));
    }

    public static Tensor of(int[] data, long... shape) {
        return filled(DType.INT32, data.length, shape, p -> new IntPointer(p).put(data));
    }

    /** A uint8 tensor (pixels) holding {@code data}. */
    public static Tensor ofBytes(byte[] data, long... shape) {
        return filled(DType.UINT8, data.length, shape, p -> new BytePointer(p).put(data));
    }

    private static Tensor filled(DType dtype, int length, long[] shape, java.util.function.Consumer<org.bytedeco.javacpp.Pointer> copy) {
        Tensor r = zeros(dtype, shapeFor(length, shape));
        copy.accept(r.t.data_ptr());
        return r;
    }

    /** A 0-dimensional float32 tensor. */
    public static Tensor scalar(double value) {
        return full(value);
    }

    private static long[] shapeFor(int length, long[] shape) {
        if (shape.length == 0) return new long[] {length};
        checkShape(shape);
        long n = 1;
        for (long d : shape) n *= d;
        if (n != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " elements but "
                    + length + " values were given");
        }
        return shape;
    }

    private static void checkShape(long[] shape) {
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
        }
    }

    public static Tensor cat(List<Tensor> tensors, int dim) {
        return op(() -> torch.cat(vector(tensors), dim));
    }

    public static Tensor stack(List<Tensor> tensors, int dim) {
        return op(() -> torch.stack(vector(tensors), dim));
    }

    private static TensorVector vector(List<Tensor> tensors) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("cannot join an empty list of tensors");
        TensorVector v = new TensorVector();
        for (Tensor x : tensors) v.push_back(x.handle());
        return v;
    }

    // ---- properties ---------------------------------------------------------------------------------

    public long[] shape() {
        org.bytedeco.pytorch.Tensor h = handle();
        long[] s = new long[(int) h.dim()];
        for (int i = 0; i < s.length; i++) s[i] = h.size(i);
        return s;
    }

    /** Size of dimension {@code dim}; negative counts from the end. */
    public long size(int dim) {
        try {
            return handle().size(dim);
        } catch (RuntimeException e) {
            throw TorchException.from(e);
        }
    }

    public int dim() {
        return (int) handle().dim();
    }

    public long numel() {
        return handle().numel();
    }

    public DType dtype() {
        return DType.of(handle().scalar_type());
    }

    public Device device() {
        return Device.of(handle().device());
    }

    public boolean requiresGrad() {
        return handle().requires_grad();
    }

    /** Turns gradient recording for this (leaf) tensor on or off, in place. Returns this. */
    public Tensor requiresGrad(boolean on) {
        try {
            handle().set_requires_grad(on);
        } catch (RuntimeException e) {
            throw TorchException.from(e);
        }
        return this;
    }

    public boolean isLeaf() {
        return handle().is_leaf();
    }

    // ---- conversion ---------------------------------------------------------------------------------

    public Tensor to(Device device) {
        return op(() -> handle().to(device.toNative(), handle().scalar_type()));
    }

    public Tensor to(DType dtype) {
        return op(() -> handle().to(dtype.scalarType));
    }

    public Tensor to(Device device, DType dtype) {
        return op(() -> handle().to(device.toNative(), dtype.scalarType));
    }

    public Tensor float32() {
        return to(DType.FLOAT32);
    }

    public Tensor int64() {
        return to(DType.INT64);
    }

    /** The single value of a one-element tensor. */
    public double item() {
        requireOneElement();
        try {
            return handle().item().toDouble();
        } catch (RuntimeException e) {
            throw TorchException.from(e);
        }
    }

    public long itemLong() {
        requireOneElement();
        try {
            return handle().item().toLong();
        } catch (RuntimeException e) {
            throw TorchException.from(e);
        }
    }

    private void requireOneElement() {
        if (numel() != 1) {
            throw new IllegalStateException("item() needs a tensor with one element, this one has shape " + Arrays.toString(shape()));
        }
    }

    /** The values, row-major, as float32 (copied to the CPU if needed). */
    public float[] toFloatArray() {
        try (Scope s = Scope.open()) {
            org.bytedeco.pytorch.Tensor c = cpuContiguous(DType.FLOAT32);
            float[] out = new float[(int) c.numel()];
            new FloatPointer(c.data_ptr()).get(out);
            return out;
        }
    }

    public double[] toDoubleArray() {
        try (Scope s = Scope.open()) {
            org.bytedeco.pytorch.Tensor c = cpuContiguous(DType.FLOAT64);
            double[] out = new double[(int) c.numel()];
            new DoublePointer(c.data_ptr()).get(out);
            return out;
        }
    }

    public long[] toLongArray() {
        try (Scope s = Scope.open()) {
            org.bytedeco.pytorch.Tensor c = cpuContiguous(DType.INT64);
            long[] out = new long[(int) c.numel()];
            new LongPointer(c.data_ptr()).get(out);
            return out;
        }
    }

    private org.bytedeco.pytorch.Tensor cpuContiguous(DType dtype) {
        if (numel() > Integer.MAX_VALUE) throw new IllegalStateException("tensor too large for a Java array: " + numel());
        try {
            return handle().detach().to(Device.cpu().toNative(), dtype.scalarType).contiguous();
        } catch (RuntimeException e) {
            throw TorchException.from(e);
        }
    }

    // ---- arithmetic ---------------------------------------------------------------------------------

    public Tensor add(Tensor o) { return op(() -> handle().add(o.handle())); }
    public Tensor add(double v) { return op(() -> handle().add(new Scalar(v))); }
    public Tensor sub(Tensor o) { return op(() -> handle().sub(o.handle())); }
    public Tensor sub(double v) { return op(() -> handle().sub(new Scalar(v))); }
    public Tensor mul(Tensor o) { return op(() -> handle().mul(o.handle())); }
    public Tensor mul(double v) { return op(() -> handle().mul(new Scalar(v))); }
    public Tensor div(Tensor o) { return op(() -> handle().div(o.handle())); }
    public Tensor div(double v) { return op(() -> handle().div(new Scalar(v))); }
    public Tensor pow(double e) { return op(() -> handle().pow(new Scalar(e))); }
    public Tensor neg() { return op(() -> handle().neg()); }
    /** Positions start (inclusive) to end (exclusive) along {@code dim}, as x[start:end]; a view. */
    public Tensor slice(int dim, long start, long end) { return op(() -> handle().slice(dim, new LongOptional(start), new LongOptional(end), 1)); }
    public Tensor floor() { return op(() -> handle().floor()); }
    /** Rounds half to even, as torch.round. */
    public Tensor round() { return op(() -> handle().round()); }
    public Tensor abs() { return op(() -> handle().abs()); }
    public Tensor exp() { return op(() -> handle().exp()); }
    public Tensor log() { return op(() -> handle().log()); }
    public Tensor sqrt() { return op(() -> handle().sqrt()); }
    /** -1, 0 or 1 by the sign of each element. */
    public Tensor sign() { return op(() -> handle().sign()); }
    /** The element-wise maximum of this and {@code o}. */
    public Tensor maximum(Tensor o) { return op(() -> torch.maximum(handle(), o.handle())); }
    /** this + alpha * o. */
    public Tensor add(Tensor o, double alpha) { return op(() -> handle().add(o.handle(), new Scalar(alpha))); }
    /** this + value * a * b (element-wise). */
    public Tensor addcmul(Tensor a, Tensor b, double value) { return op(() -> handle().addcmul(a.handle(), b.handle(), new Scalar(value))); }
    /** Zeros of this tensor's shape, dtype and device. */
    public Tensor zerosLike() { return op(() -> torch.zeros_like(handle())); }
    public Tensor relu() { return op(() -> handle().relu()); }
    public Tensor sigmoid() { return op(() -> handle().sigmoid()); }
    public Tensor tanh() { return op(() -> torch.tanh(handle())); }

    public Tensor clamp(double min, double max) {
        return op(() -> torch.clamp(handle(), new org.bytedeco.pytorch.ScalarOptional(new Scalar(min)),
                new org.bytedeco.pytorch.ScalarOptional(new Scalar(max))));
    }

    public Tensor matmul(Tensor o) {
        return op(() -> handle().matmul(o.handle()));
    }

    // ---- in place -----------------------------------------------------------------------------------

    // In-place operations carry PyTorch's trailing underscore (add_, mul_, fill_ ...): one naming rule for all of them.
    /** this += o. */
    public Tensor add_(Tensor o) { return inPlace(() -> handle().add_(o.handle())); }
    /** this += alpha * o. */
    public Tensor add_(Tensor o, double alpha) { return inPlace(() -> handle().add_(o.handle(), new Scalar(alpha))); }
    /** this += v. */
    public Tensor add_(double v) { return inPlace(() -> handle().add_(new Scalar(v))); }
    /** this *= v. */
    public Tensor mul_(double v) { return inPlace(() -> handle().mul_(new Scalar(v))); }
    /** this *= o (element-wise). */
    public Tensor mul_(Tensor o) { return inPlace(() -> handle().mul_(o.handle())); }
    /** this /= v. */
    public Tensor div_(double v) { return inPlace(() -> handle().div_(new Scalar(v))); }
    /** this = sqrt(this). */
    public Tensor sqrt_() { return inPlace(() -> handle().sqrt_()); }
    /** this += value * a * b (element-wise), as torch.Tensor.addcmul_. */
    public Tensor addcmul_(Tensor a, Tensor b, double value) { return inPlace(() -> handle().addcmul_(a.handle(), b.handle(), new Scalar(value))); }
    /** this += value * a / b (element-wise), as torch.Tensor.addcdiv_. */
    public Tensor addcdiv_(Tensor a, Tensor b, double value) { return inPlace(() -> handle().addcdiv_(a.handle(), b.handle(), new Scalar(value))); }
    public Tensor fill_(double v) { return inPlace(() -> handle().fill_(new Scalar(v))); }
    public Tensor zero_() { return inPlace(() -> handle().zero_()); }

    /** Runs a libtorch in-place op on this tensor, translating its errors; returns this. */
    private Tensor inPlace(Supplier<org.bytedeco.pytorch.Tensor> op) {
        try {
            op.get();
        } catch (RuntimeException e) {
            throw TorchException.from(e);
        }
        return this;
    }

    /** Copies {@code src}'s values into this tensor (shapes must broadcast), outside autograd. */
    public Tensor copy_(Tensor src) {
        try (Torch.NoGrad g = Torch.noGrad()) {
            handle().copy_(src.handle());
        } catch (RuntimeException e) {
            throw TorchException.from(e);
        }
        return this;
    }

    // ---- shape --------------------------------------------------------------------------------------

    public Tensor reshape(long... shape) { return op(() -> handle().reshape(shape)); }
    public Tensor view(long... shape) { return op(() -> handle().view(shape)); }
    public Tensor permute(long... dims) { return op(() -> handle().permute(dims)); }
    public Tensor transpose(int a, int b) { return op(() -> handle().transpose(a, b)); }
    public Tensor contiguous() { return op(() -> handle().contiguous()); }
    public boolean isContiguous() { return handle().is_contiguous(); }
    /** The same values laid out in {@code format} (a copy unless already so); CHANNELS_LAST needs 4 dimensions. */
    public Tensor contiguous(MemoryFormat format) {
        if (format == MemoryFormat.CHANNELS_LAST && dim() != 4) {
            throw new IllegalArgumentException("channels-last needs a 4-d tensor [N, C, H, W], got shape " + java.util.Arrays.toString(shape()));
        }
        return op(() -> handle().contiguous(format.native_));
    }
    /** True when laid out in {@code format} (a tensor with one element per channel or pixel can be both). */
    public boolean isContiguous(MemoryFormat format) { return handle().is_contiguous(format.native_); }
    public Tensor flatten(int startDim) { return op(() -> handle().flatten(startDim, -1)); }
    public Tensor flatten(int startDim, int endDim) { return op(() -> handle().flatten(startDim, endDim)); }
    public Tensor squeeze(int dim) { return op(() -> handle().squeeze(dim)); }
    public Tensor unsqueeze(int dim) { return op(() -> handle().unsqueeze(dim)); }
    /** Index {@code i} along dimension {@code dim}, that dimension removed (a view). */
    public Tensor select(int dim, long i) { return op(() -> handle().select(dim, i)); }
    /** Index {@code i} along the first dimension. */
    public Tensor get(long i) { return select(0, i); }
    /** {@code length} entries of dimension {@code dim} from {@code start} (a view). */
    public Tensor narrow(int dim, long start, long length) { return op(() -> handle().narrow(dim, start, length)); }
    public Tensor clone() { return op(() -> handle().clone()); }
    /** A tensor sharing this one's values, cut off from autograd. */
    public Tensor detach() { return op(() -> handle().detach()); }

    // ---- reductions ---------------------------------------------------------------------------------

    public Tensor sum() { return op(() -> handle().sum()); }
    public Tensor sum(int dim, boolean keepDim) { return op(() -> handle().sum(new long[] {dim}, keepDim, new org.bytedeco.pytorch.ScalarTypeOptional())); }
    public Tensor mean() { return op(() -> handle().mean()); }
    public Tensor mean(int dim, boolean keepDim) { return op(() -> handle().mean(new long[] {dim}, keepDim, new org.bytedeco.pytorch.ScalarTypeOptional())); }
    /** Sample standard deviation of all elements (Bessel-corrected, like torch.std). */
    public Tensor std() { return op(() -> handle().std()); }
    public Tensor max() { return op(() -> handle().max()); }
    public Tensor min() { return op(() -> torch.min(handle())); }

    /** The maxima along {@code dim} (values only; see {@link #argmax(int)} for indices). */
    public Tensor max(int dim, boolean keepDim) {
        try {
            T_TensorTensor_T r = handle().max(dim, keepDim);
            return new Tensor(new org.bytedeco.pytorch.Tensor(r.get0())); // a reference of its own: get0 points into r
        } catch (RuntimeException e) {
            throw TorchException.from(e);
        }
    }

    public Tensor argmax(int dim) { return op(() -> handle().argmax(new LongOptional(dim), false)); }
    public Tensor argmax() { return op(() -> handle().argmax()); }
    public Tensor softmax(int dim) { return op(() -> handle().softmax(dim)); }
    public Tensor logSoftmax(int dim) { return op(() -> handle().log_softmax(dim)); }

    // ---- comparison (bool tensors) ------------------------------------------------------------------

    public Tensor eq(Tensor o) { return op(() -> handle().eq(o.handle())); }
    public Tensor eq(double v) { return op(() -> handle().eq(new Scalar(v))); }
    public Tensor ne(Tensor o) { return op(() -> handle().ne(o.handle())); }
    public Tensor gt(Tensor o) { return op(() -> handle().gt(o.handle())); }
    public Tensor gt(double v) { return op(() -> handle().gt(new Scalar(v))); }
    public Tensor lt(Tensor o) { return op(() -> handle().lt(o.handle())); }
    public Tensor lt(double v) { return op(() -> handle().lt(new Scalar(v))); }
    public Tensor ge(double v) { return op(() -> handle().ge(new Scalar(v))); }
    public Tensor le(double v) { return op(() -> torch.le(handle(), new Scalar(v))); }

    /** True when shapes agree and every element is within {@code atol + rtol * |other|}. */
    public boolean allClose(Tensor other, double rtol, double atol) {
        if (!Arrays.equals(shape(), other.shape())) return false;
        try {
            return handle().allclose(other.handle(), rtol, atol, false);
        } catch (RuntimeException e) {
            throw TorchException.from(e);
        }
    }

    /** True when shapes and every element are exactly equal (torch.equal). */
    public boolean equal(Tensor other) {
        if (!Arrays.equals(shape(), other.shape())) return false;
        try {
            return torch.equal(handle(), other.handle());
        } catch (RuntimeException e) {
            throw TorchException.from(e);
        }
    }

    /** True when no element is NaN or infinite. */
    public boolean allFinite() {
        try {
            return torch.isfinite(handle()).all().item_bool();
        } catch (RuntimeException e) {
            throw TorchException.from(e);
        }
    }

    // ---- autograd -----------------------------------------------------------------------------------

    /** Back-propagates from this scalar tensor into the leaves' {@link #grad()}. */
    public void backward() {
        if (numel() != 1) {
            throw new IllegalStateException("backward() needs a scalar (one-element) tensor, got shape " + Arrays.toString(shape()));
        }
        try {
            handle().backward();
        } catch (RuntimeException e) {
            throw TorchException.from(e);
        }
    }

    /** The accumulated gradient, or null when none has been computed. */
    public Tensor grad() {
        org.bytedeco.pytorch.Tensor g = handle().grad();
        return g == null || g.isNull() || !g.defined() ? null : new Tensor(g);
    }

    /** Keeps the gradient of this non-leaf tensor after backward, as PyTorch's retain_grad(). */
    public Tensor retainGrad() {
        try {
            handle().retain_grad();
        } catch (RuntimeException e) {
            throw TorchException.from(e);
        }
        return this;
    }

    /** Sets this leaf's gradient to none (PyTorch's zero_grad(set_to_none=True)). */
    public void clearGrad() {
        org.bytedeco.pytorch.Tensor g = handle().mutable_grad();
        if (g != null && !g.isNull() && g.defined()) g.reset();
    }

    /** Replaces this tensor's storage with {@code data}'s (keeping identity, grad flag and hooks). */
    public void setData(Tensor data) {
        try {
            handle().set_data(data.handle());
        } catch (RuntimeException e) {
            throw TorchException.from(e);
        }
    }

    // ---- lifetime and printing ----------------------------------------------------------------------

    /** Releases this handle now (the values live on while other tensors share them). */
    @Override public void close() {
        if (!t.isNull()) t.releaseReference();
    }

    public boolean isReleased() {
        return t.isNull();
    }

    /** PyTorch's printout: {@code tensor([[...]])}, abbreviated past 1,000 elements. */
    @Override public String toString() {
        if (t.isNull()) return "tensor(<released>)";
        return TensorFormat.format(this);
    }
}
