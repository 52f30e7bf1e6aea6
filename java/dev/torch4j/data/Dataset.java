package dev.torch4j.data;

/** A finite, indexable collection of examples. */
public interface Dataset {
    long size();

    /** The examples at {@code indices}, as one batch. */
    Batch get(long[] indices);
}
