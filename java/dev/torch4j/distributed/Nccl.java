package dev.torch4j.distributed;

import org.bytedeco.pytorch.BackendOptional;
import org.bytedeco.pytorch.PrefixStore;
import org.bytedeco.pytorch.global.torch;

/**
 * NCCL for CUDA tensors, attached to the group beside gloo (PyTorch's default "cpu:gloo,cuda:nccl"). Only touched when
 * CUDA is available: the CPU build's natives have no NCCL. Not run on this project's CI machine (no GPU).
 */
final class Nccl {
    private Nccl() {}

    static Object attach(org.bytedeco.pytorch.ProcessGroup pg, PrefixStore prefix, Rendezvous r) {
        org.bytedeco.pytorch.nccl.ProcessGroupNCCL.Options o = org.bytedeco.pytorch.nccl.ProcessGroupNCCL.Options.create();
        o.timeout(ProcessGroup.millis(r.timeout()));
        org.bytedeco.pytorch.nccl.ProcessGroupNCCL nccl = new org.bytedeco.pytorch.nccl.ProcessGroupNCCL(new PrefixStore("cuda/", prefix), r.rank(), r.worldSize(), o);
        pg.setBackend(torch.DeviceType.CUDA, org.bytedeco.pytorch.ProcessGroup.BackendType.NCCL, new BackendOptional(nccl));
        return nccl;
    }
}
