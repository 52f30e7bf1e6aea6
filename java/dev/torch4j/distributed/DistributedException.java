package dev.torch4j.distributed;

import dev.torch4j.tensor.TorchException;

/**
 * A distributed run failed: a rank could not join, a peer ended or stopped answering, or the ranks disagree (different
 * models). The message names this process's rank, the operation and, where libtorch says it, the peer. After one,
 * the process group cannot be used again; every rank of the run must start over (or resume from a snapshot).
 */
public class DistributedException extends TorchException {
    private static final long serialVersionUID = 1L;

    public DistributedException(String message, Throwable cause) {
        super(message, cause);
    }
}
