# Sourced (bash) by the ./evo2wb launcher of a checkout and by the launcher of the Linux app image, before Java
# starts: preloads jemalloc when the machine has it, with purging off. jemalloc's defaults purge large freed blocks at
# once, so every big tensor is faulted in again (25x the page faults of glibc); with purging off freed memory is
# reused (docs/decisions/0005-native-allocator.md). Without jemalloc nothing changes. A MALLOC_CONF already set wins.
for evo2wb_jemalloc in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib64/libjemalloc.so.2 \
    /usr/lib/libjemalloc.so.2; do
    if [[ -f "$evo2wb_jemalloc" ]]; then
        if [[ ":${LD_PRELOAD:-}:" != *":$evo2wb_jemalloc:"* ]]; then
            export LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD:}$evo2wb_jemalloc"
        fi
        export MALLOC_CONF="${MALLOC_CONF:-dirty_decay_ms:-1,muzzy_decay_ms:-1}"
        break
    fi
done
# Without jemalloc, glibc gives each thread that allocates its own arena (up to 8 per core) and keeps each arena's
# freed memory: every new thread that scored or trained kept its own peak, so the resident set grew by about 150 MiB
# per such thread (six scoring jobs on six threads: 1,101 MiB, against 602 MiB with two arenas; docs/benchmarks.md).
# Two arenas bound that. A MALLOC_ARENA_MAX already set wins.
if [[ ":${LD_PRELOAD:-}:" != *"libjemalloc"* ]]; then
    export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
fi
unset evo2wb_jemalloc
# PyTorch's GPU memory: expandable segments let the caching allocator grow one mapping instead of keeping many
# fixed-size blocks, which cut the peak GPU memory of an Evo 2 7B forward pass at 8,192 bases on an H100 from 28.3 to
# 26.3 GiB (docs/benchmarks.md). A PYTORCH_CUDA_ALLOC_CONF already set wins.
export PYTORCH_CUDA_ALLOC_CONF="${PYTORCH_CUDA_ALLOC_CONF:-expandable_segments:True}"
