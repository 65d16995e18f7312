"""Run make_fixtures.py where PyTorch has no torch.distributed.checkpoint (Debian's python3-torch 1.13).

Usage: python3 dcp_stand_in.py make_fixtures.py OUT_DIR

A stand-in for the part of torch.distributed.checkpoint that make_fixtures.py uses, written from PyTorch 2.x's
documented file layout (torch/distributed/checkpoint/filesystem.py, metadata.py): FileSystemWriter puts each tensor's
torch.save stream into __0_N.distcp shards and pickles a Metadata record (state_dict_metadata with
TensorStorageMetadata / BytesStorageMetadata, storage_data mapping MetadataIndex(fqn, offset) to
_StorageInfo(relative_path, offset, length)) into .metadata, under the same module and class names. Fixtures made
this way say "torch 1.13" in their MANIFEST.txt; those made by a PyTorch with the real module are the reference.
"""
import sys, types, io, os, pickle, enum, runpy
from dataclasses import dataclass, field
from typing import Any, List, Optional
import torch

def mod(name):
    m = types.ModuleType(name); sys.modules[name] = m; return m

dist = sys.modules.get("torch.distributed") or mod("torch.distributed")
dcp = mod("torch.distributed.checkpoint")
md = mod("torch.distributed.checkpoint.metadata")
fs = mod("torch.distributed.checkpoint.filesystem")
torch.distributed.checkpoint = dcp

class _MEM_FORMAT_ENCODING(enum.Enum):
    TORCH_CONTIGUOUS_FORMAT = 0
    TORCH_CHANNELS_LAST = 1
    TORCH_PRESERVE_FORMAT = 2
_MEM_FORMAT_ENCODING.__module__ = md.__name__

@dataclass
class TensorProperties:
    dtype: Any = None
    layout: Any = torch.strided
    requires_grad: bool = False
    memory_format: Any = torch.contiguous_format
    pin_memory: bool = False
    def __getstate__(self):
        return (self.dtype, self.layout, self.requires_grad, _MEM_FORMAT_ENCODING.TORCH_CONTIGUOUS_FORMAT, self.pin_memory)
    def __setstate__(self, state):
        self.dtype, self.layout, self.requires_grad, _, self.pin_memory = state

@dataclass
class ChunkStorageMetadata:
    offsets: Any
    sizes: Any

@dataclass
class TensorStorageMetadata:
    properties: Any
    size: Any
    chunks: List[Any]

@dataclass
class BytesStorageMetadata:
    pass

@dataclass
class StorageMeta:
    checkpoint_id: Any = None
    save_id: Optional[str] = None
    load_id: Optional[str] = None
    modules: List[str] = field(default_factory=list)

@dataclass
class Metadata:
    state_dict_metadata: Any
    planner_data: Any = None
    storage_data: Any = None
    storage_meta: Any = None
    version: Optional[str] = None

@dataclass(frozen=True)
class MetadataIndex:
    fqn: str
    offset: Any = None
    index: Optional[int] = field(hash=False, compare=False, default=None)

@dataclass
class _StorageInfo:
    relative_path: str
    offset: int
    length: int
    transform_descriptors: Any = None

for c in (TensorProperties, ChunkStorageMetadata, TensorStorageMetadata, BytesStorageMetadata, StorageMeta, Metadata, MetadataIndex):
    c.__module__ = md.__name__; setattr(md, c.__name__, c)
md._MEM_FORMAT_ENCODING = _MEM_FORMAT_ENCODING
_StorageInfo.__module__ = fs.__name__; fs._StorageInfo = _StorageInfo

class FileSystemWriter:
    def __init__(self, path, single_file_per_rank=True, thread_count=1, **kw):
        self.path = path; self.threads = thread_count

class FileSystemReader:
    def __init__(self, path): self.path = path
    def read_metadata(self):
        with open(os.path.join(self.path, ".metadata"), "rb") as f: return pickle.load(f)

def save(state_dict, storage_writer, no_dist=False):
    p = storage_writer.path; n = storage_writer.threads
    files = [open(os.path.join(p, "__0_%d.distcp" % i), "wb") for i in range(n)]
    sdm, storage = {}, {}
    for i, (k, v) in enumerate(state_dict.items()):
        f = files[i % n]; name = "__0_%d.distcp" % (i % n); off = f.tell()
        if isinstance(v, io.BytesIO):
            f.write(v.getbuffer()); sdm[k] = BytesStorageMetadata(); idx = MetadataIndex(k)
        else:
            t = v.detach().contiguous(); torch.save(t, f)
            sdm[k] = TensorStorageMetadata(TensorProperties(dtype=t.dtype), torch.Size(t.shape),
                                           [ChunkStorageMetadata(torch.Size([0] * t.dim()), torch.Size(t.shape))])
            idx = MetadataIndex(k, torch.Size([0] * t.dim()), 0)
        storage[idx] = _StorageInfo(name, off, f.tell() - off, [])
    for f in files: f.close()
    meta = Metadata(sdm, {k: (k,) for k in state_dict}, storage, StorageMeta(__import__("pathlib").Path(p), "x", None, []), "1.0.0")
    with open(os.path.join(p, ".metadata"), "wb") as f: pickle.dump(meta, f)

def load(state_dict, storage_reader, no_dist=False):
    meta = storage_reader.read_metadata()
    for idx, info in meta.storage_data.items():
        if idx.fqn in state_dict and isinstance(meta.state_dict_metadata[idx.fqn], TensorStorageMetadata):
            with open(os.path.join(storage_reader.path, info.relative_path), "rb") as f:
                f.seek(info.offset); b = f.read(info.length)
            state_dict[idx.fqn].copy_(torch.load(io.BytesIO(b)))

dcp.save = save; dcp.load = load; dcp.FileSystemWriter = FileSystemWriter; dcp.FileSystemReader = FileSystemReader
dcp.metadata = md
sys.argv = [sys.argv[1]] + sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")
