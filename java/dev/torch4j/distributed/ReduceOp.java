package dev.torch4j.distributed;

/** How {@link ProcessGroup#allReduce_} combines the ranks' tensors, element by element. */
public enum ReduceOp {
    SUM(org.bytedeco.pytorch.ReduceOp.RedOpType.SUM),
    PRODUCT(org.bytedeco.pytorch.ReduceOp.RedOpType.PRODUCT),
    MIN(org.bytedeco.pytorch.ReduceOp.RedOpType.MIN),
    MAX(org.bytedeco.pytorch.ReduceOp.RedOpType.MAX);

    final org.bytedeco.pytorch.ReduceOp.RedOpType native_;

    ReduceOp(org.bytedeco.pytorch.ReduceOp.RedOpType n) {
        this.native_ = n;
    }
}
