"""Write small BioNeMo checkpoints of the golden tiny Evo 2 model, for the workbench's checkpoint readers.

Usage (from the repository root, with PyTorch >= 2.4 on CPU; only torch and the standard library are used):

    python3 engine/src/test/resources/bionemo-fixtures/make_fixtures.py OUT_DIR

It reads the golden tiny model (engine/src/test/resources/golden/tiny.pt and tiny.yml, vortex layout) and writes
under OUT_DIR:

  mbridge/        a Megatron Bridge checkpoint (full weights), as BioNeMo's evo2_megatron recipe writes one:
                  latest_checkpointed_iteration.txt, latest_train_state.pt, iter_0000100/ with .metadata and
                  __0_*.distcp shards (torch.distributed.checkpoint), common.pt, train_state.pt, metadata.json,
                  run_config.yaml. Key names, shapes and dtypes are those of the recipe's HyenaModel with
                  Transformer Engine layers (bf16 parameters, fp32 Hyena filter parameters), i.e. the exact inverse
                  of the recipe's mbridge_to_vortex.py.
  mbridge_lora/   a LoRA checkpoint on top of mbridge/: adapters only, run_config.yaml records the base model's
                  absolute path (checkpoint.pretrained_checkpoint) and the LoRA rank/alpha (peft).
  savanna/        a Savanna (DeepSpeed) checkpoint: latest, global_step10/mp_rank_00_model_states.pt, a dict with
                  "module" holding the Savanna key names of the recipe's savanna_to_mbridge.py.
  expected.pt     the vortex tensors that the recipe's converters compute rather than copy (fp32): the medium
                  filter h * decay, the long filter log_poles / residues and the RoPE inv_freq.
  lora_merged.pt  base + alpha/dim * linear_out @ linear_in (fp32, computed in float64) for the adapted weights of
                  blocks 2 and 3, in vortex names (mlp.l1 / mlp.l2 are the halves of the merged linear_fc1).
  MANIFEST.txt    what was written, with sizes and the PyTorch version.

Recipe followed: NVIDIA/bionemo-framework, bionemo-recipes/recipes/evo2_megatron at commit
3a9d005bffaa711e5964211d3ba34c5e373eb624 (src/bionemo/evo2/utils/checkpoint/mbridge_to_vortex.py,
savanna_to_mbridge.py; models/megatron/hyena/hyena_utils.py for filter shapes; LoRA adapters as Megatron Bridge's
AdapterWrapper names them: <module>.adapter.linear_in.weight (dim, in), <module>.adapter.linear_out.weight (out, dim)).
"""
import io
import math
import os
import sys
from collections import OrderedDict

import torch
import torch.distributed.checkpoint as dcp
from torch.distributed.checkpoint import FileSystemWriter

ITERATION = 100
LORA_ITERATION = 20
LORA_DIM = 4
LORA_ALPHA = 8
LORA_TARGETS = ["dense_projection", "linear_qkv", "linear_proj", "linear_fc1", "linear_fc2"]
SAVANNA_STEP = 10
MEDIUM_CONV_LEN = 128  # HyenaConfig.hyena_medium_conv_len


def log(msg):
    print(msg, flush=True)


def repo_root():
    here = os.path.dirname(os.path.abspath(__file__))
    # engine/src/test/resources/bionemo-fixtures -> repository root
    return os.path.normpath(os.path.join(here, "..", "..", "..", "..", ".."))


def read_flat_yaml(path):
    """The golden tiny.yml: flat 'key: value' lines, lists as [a, b]."""
    cfg = {}
    with open(path, "r", encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].rstrip()
            if not line or ":" not in line:
                continue
            k, v = line.split(":", 1)
            v = v.strip()
            if v.startswith("[") and v.endswith("]"):
                inner = v[1:-1].strip()
                cfg[k.strip()] = [int(x) for x in inner.split(",")] if inner else []
            elif v in ("true", "false"):
                cfg[k.strip()] = v == "true"
            else:
                try:
                    cfg[k.strip()] = int(v)
                except ValueError:
                    try:
                        cfg[k.strip()] = float(v)
                    except ValueError:
                        cfg[k.strip()] = v
    return cfg


def pattern_of(cfg):
    symbols = []
    for i in range(cfg["num_layers"]):
        if i in cfg["hcs_layer_idxs"]:
            symbols.append("S")
        elif i in cfg["hcm_layer_idxs"]:
            symbols.append("D")
        elif i in cfg["hcl_layer_idxs"]:
            symbols.append("H")
        elif i in cfg["attn_layer_idxs"]:
            symbols.append("*")
        else:
            raise ValueError("layer %d has no type in tiny.yml" % i)
    return "".join(symbols)


def c(t, dtype=None):
    """A contiguous copy with its own storage (what a model parameter is)."""
    t = t.detach().clone().contiguous()
    return t if dtype is None else t.to(dtype)


def inv_freq_fp32(head_dim, base):
    # as mbridge_to_vortex._compute_inv_freq
    return 1.0 / (float(base) ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))


def medium_decay(groups, length):
    # ExplicitSingleDecayFilter, decay_preset "weak" (log_r_min=-2, log_r_max=2), tensor-parallel size 1
    t = torch.linspace(0, 1, length, dtype=torch.float32)[None]
    rates = torch.logspace(-2, 2, groups, dtype=torch.float32)[:, None]
    return torch.exp(-rates * t)


def build_mbridge(v, cfg, pattern, gen):
    """Vortex state dict -> Megatron Bridge (TE) state dict, plus the expected recomputed vortex tensors."""
    bf = torch.bfloat16
    sd = OrderedDict()
    expected = OrderedDict()
    sd["embedding.word_embeddings.weight"] = c(v["embedding_layer.weight"], bf)
    for i, sym in enumerate(pattern):
        p = "decoder.layers.%d." % i
        b = "blocks.%d." % i
        if sym == "*":
            sd[p + "self_attention.linear_qkv.layer_norm_weight"] = c(v[b + "pre_norm.scale"], bf)
            sd[p + "self_attention.linear_qkv.weight"] = c(v[b + "inner_mha_cls.Wqkv.weight"], bf)
            sd[p + "self_attention.linear_proj.weight"] = c(v[b + "inner_mha_cls.out_proj.weight"], bf)
            sd[p + "self_attention.linear_proj.bias"] = c(v[b + "inner_mha_cls.out_proj.bias"], bf)
            hd = cfg["hidden_size"] // cfg["num_attention_heads"]
            expected[b + "inner_mha_cls.rotary_emb.inv_freq"] = inv_freq_fp32(hd, cfg["rotary_emb_base"])
        else:
            sd[p + "mixer.dense_projection.layer_norm_weight"] = c(v[b + "pre_norm.scale"], bf)
            sd[p + "mixer.dense_projection.weight"] = c(v[b + "projections.weight"], bf)
            # fast_conv_proj (HyenaConfig default True): weight shape [3D, short_conv_L]
            sd[p + "mixer.hyena_proj_conv.short_conv_weight"] = c(v[b + "filter.short_filter_weight"][:, 0, :], bf)
            sd[p + "mixer.dense.weight"] = c(v[b + "out_filter_dense.weight"], bf)
            sd[p + "mixer.dense.bias"] = c(v[b + "out_filter_dense.bias"], bf)
            if sym == "S":
                # use_depthwise_short_conv_grouping: [num_groups, 1, hyena_short_conv_len]
                sd[p + "mixer.mixer.short_conv.short_conv_weight"] = c(v[b + "filter.h"], bf)
            elif sym == "D":
                sd[p + "mixer.mixer.conv_bias"] = c(v[b + "filter.D"], bf)
                h_golden = v[b + "filter.h"][:, 0, :].float()              # (G, K)
                groups, k = h_golden.shape
                decay = medium_decay(groups, MEDIUM_CONV_LEN)
                h = torch.zeros(groups, MEDIUM_CONV_LEN, dtype=torch.float32)
                h[:, :k] = h_golden / decay[:, :k]
                sd[p + "mixer.mixer.filter.h"] = c(h)
                sd[p + "mixer.mixer.filter.decay"] = c(decay)
                trunc = min(MEDIUM_CONV_LEN, h.shape[1])
                expected[b + "filter.h"] = (h[:, :trunc] * decay[:, :trunc]).unsqueeze(1).contiguous()
            elif sym == "H":
                sd[p + "mixer.mixer.conv_bias"] = c(v[b + "filter.D"], bf)
                log_poles = v[b + "filter.log_poles"][..., 0].float()   # (D, S), negative
                residues = v[b + "filter.residues"].float()
                gamma = torch.log(torch.rand(log_poles.shape, generator=gen) * 0.09 + 0.01).float()
                pp = (torch.log(-log_poles) - gamma).float()
                sd[p + "mixer.mixer.filter.gamma"] = c(gamma)
                sd[p + "mixer.mixer.filter.R"] = c(residues)
                sd[p + "mixer.mixer.filter.p"] = c(pp)
                # as mbridge_to_vortex._compute_log_poles_and_residues, in fp32
                expected[b + "filter.log_poles"] = (-torch.exp(pp) * torch.exp(gamma))[..., None].contiguous()
                expected[b + "filter.residues"] = residues.clone()
        sd[p + "mlp.linear_fc1.layer_norm_weight"] = c(v[b + "post_norm.scale"], bf)
        sd[p + "mlp.linear_fc1.weight"] = c(torch.cat([v[b + "mlp.l1.weight"], v[b + "mlp.l2.weight"]], dim=0), bf)
        sd[p + "mlp.linear_fc2.weight"] = c(v[b + "mlp.l3.weight"], bf)
    sd["decoder.final_norm.weight"] = c(v["norm.scale"], bf)
    return sd, expected


def te_extra_state():
    # Transformer Engine keeps FP8 metadata in '<module>._extra_state'; Megatron saves it as a byte blob.
    buf = io.BytesIO()
    torch.save(None, buf)
    buf.seek(0)
    return buf


def dcp_save(state_dict, path):
    os.makedirs(path, exist_ok=True)
    writer = FileSystemWriter(path, single_file_per_rank=True, thread_count=2)
    if hasattr(dcp, "save"):
        try:
            dcp.save(state_dict=state_dict, storage_writer=writer, no_dist=True)
        except TypeError:
            dcp.save(state_dict=state_dict, storage_writer=writer)
    else:  # PyTorch before 2.2
        dcp.save_state_dict(state_dict=state_dict, storage_writer=writer, no_dist=True)


def dcp_load(state_dict, reader):
    if hasattr(dcp, "load"):
        try:
            dcp.load(state_dict=state_dict, storage_reader=reader, no_dist=True)
        except TypeError:
            dcp.load(state_dict=state_dict, storage_reader=reader)
    else:  # PyTorch before 2.2
        dcp.load_state_dict(state_dict=state_dict, storage_reader=reader, no_dist=True)


def train_state(step):
    return {
        "step": torch.tensor(step, dtype=torch.int32),
        "consumed_train_samples": torch.tensor(step * 8, dtype=torch.int32),
        "skipped_train_samples": torch.tensor(0, dtype=torch.int32),
        "consumed_valid_samples": torch.tensor(0, dtype=torch.int32),
        "floating_point_operations_so_far": torch.tensor(0, dtype=torch.float64),
        "do_train": torch.tensor(True, dtype=torch.bool),
        "do_valid": torch.tensor(True, dtype=torch.bool),
        "do_test": torch.tensor(False, dtype=torch.bool),
    }


def yaml_list(items, indent):
    return "".join("%s- %s\n" % (" " * indent, x) for x in items)


def run_config_yaml(cfg, pattern, pretrained=None, lora=False):
    """run_config.yaml as ConfigContainer.to_yaml writes it (the sections and fields the readers use, and more)."""
    vocab = cfg["vocab_size"]
    out = []
    out.append("_target_: megatron.bridge.training.config.ConfigContainer\n")
    out.append("checkpoint:\n")
    out.append("  _target_: megatron.bridge.training.config.CheckpointConfig\n")
    out.append("  async_save: false\n")
    out.append("  ckpt_format: torch_dist\n")
    out.append("  dist_ckpt_strictness: %s\n" % ("ignore_all" if pretrained else "assume_ok_unexpected"))
    out.append("  finetune: %s\n" % ("true" if pretrained else "false"))
    out.append("  fully_parallel_save: true\n")
    out.append("  load: null\n")
    out.append("  most_recent_k: 5\n")
    out.append("  pretrained_checkpoint: %s\n" % (pretrained if pretrained else "null"))
    out.append("  save: /results/evo2/checkpoints\n")
    out.append("  save_interval: 50\n")
    out.append("mixed_precision: bf16_mixed\n")
    out.append("model:\n")
    out.append("  _target_: bionemo.evo2.models.evo2_provider.HyenaModelProvider\n")
    out.append("  add_attn_proj_bias: true\n")
    out.append("  add_bias_linear: false\n")
    out.append("  add_qkv_bias: false\n")
    out.append("  bf16: true\n")
    out.append("  ffn_hidden_size: %d\n" % cfg["inner_mlp_size"])
    out.append("  fp16: false\n")
    out.append("  gated_linear_unit: true\n")
    out.append("  hidden_size: %d\n" % cfg["hidden_size"])
    out.append("  hybrid_override_pattern: '%s'\n" % pattern)
    out.append("  layernorm_epsilon: %s\n" % repr(float(cfg["eps"])))
    out.append("  make_vocab_size_divisible_by: %d\n" % cfg["make_vocab_size_divisible_by"])
    out.append("  normalization: RMSNorm\n")
    out.append("  num_attention_heads: %d\n" % cfg["num_attention_heads"])
    out.append("  num_groups_hyena: %d\n" % cfg["hcl_filter_groups"])
    out.append("  num_groups_hyena_medium: %d\n" % cfg["hcm_filter_groups"])
    out.append("  num_groups_hyena_short: %d\n" % cfg["hcs_filter_groups"])
    out.append("  num_layers: %d\n" % cfg["num_layers"])
    out.append("  params_dtype:\n")
    out.append("    _call_: false\n")
    out.append("    _target_: torch.bfloat16\n")
    out.append("  position_embedding_type: rope\n")
    out.append("  remove_activation_post_first_layer: true\n")
    out.append("  rotary_base: %d\n" % int(cfg["rotary_emb_base"]))
    out.append("  seq_len_interpolation_factor: null\n")
    out.append("  seq_length: %d\n" % cfg["max_seqlen"])
    out.append("  share_embeddings_and_output_weights: true\n")
    out.append("  use_short_conv_bias: false\n")
    out.append("  use_te: true\n")
    out.append("  vocab_size: %d\n" % vocab)
    if lora:
        out.append("peft:\n")
        out.append("  _target_: bionemo.evo2.models.evo2_lora.Evo2LoRA\n")
        out.append("  a2a_experimental: false\n")
        out.append("  alpha: %d\n" % LORA_ALPHA)
        out.append("  dim: %d\n" % LORA_DIM)
        out.append("  dropout: 0.1\n")
        out.append("  dropout_position: pre\n")
        out.append("  lora_A_init_method: xavier\n")
        out.append("  lora_B_init_method: zero\n")
        out.append("  skip_freeze_modules: []\n")
        out.append("  target_modules:\n")
        out.append(yaml_list(LORA_TARGETS, 2))
    else:
        out.append("peft: null\n")
    out.append("tokenizer:\n")
    out.append("  _target_: megatron.bridge.training.tokenizers.config.TokenizerConfig\n")
    out.append("  tokenizer_type: HuggingFaceTokenizer\n")
    out.append("train:\n")
    out.append("  _target_: megatron.bridge.training.config.TrainingConfig\n")
    out.append("  global_batch_size: 8\n")
    out.append("  micro_batch_size: 1\n")
    out.append("  train_iters: %d\n" % (LORA_ITERATION if lora else ITERATION))
    return "".join(out)


def write_mbridge_folder(top, sd, iteration, run_config, common_extra=None):
    iter_dir = os.path.join(top, "iter_%07d" % iteration)
    dcp_save(sd, iter_dir)
    with open(os.path.join(top, "latest_checkpointed_iteration.txt"), "w") as f:
        f.write("%d\n" % iteration)
    torch.save(train_state(iteration), os.path.join(iter_dir, "train_state.pt"))
    torch.save(train_state(iteration), os.path.join(top, "latest_train_state.pt"))
    common = {
        "checkpoint_version": 3.0,
        "iteration": iteration,
        "optimizer": {"param_state_sharding_type": "dp_reshardable"},
        "opt_param_scheduler": {},
        "content_metadata": {
            "singleton_local_shards": False,
            "distrib_optim_sharding_type": "dp_reshardable",
            "chained_optim_avoid_prefix": True,
        },
    }
    if common_extra:
        common.update(common_extra)
    torch.save(common, os.path.join(iter_dir, "common.pt"))
    with open(os.path.join(iter_dir, "metadata.json"), "w") as f:
        f.write('{"sharded_backend": "torch_dist", "sharded_backend_version": 1, '
                '"common_backend": "torch", "common_backend_version": 1}')
    with open(os.path.join(iter_dir, "run_config.yaml"), "w") as f:
        f.write(run_config)


def lora_module_weights(sd, pattern):
    """(module prefix, base weight key) for every module the recipe's default LoRA targets wrap."""
    out = []
    for i, sym in enumerate(pattern):
        p = "decoder.layers.%d." % i
        if sym == "*":
            out.append((p + "self_attention.linear_qkv", p + "self_attention.linear_qkv.weight"))
            out.append((p + "self_attention.linear_proj", p + "self_attention.linear_proj.weight"))
        else:
            out.append((p + "mixer.dense_projection", p + "mixer.dense_projection.weight"))
        out.append((p + "mlp.linear_fc1", p + "mlp.linear_fc1.weight"))
        out.append((p + "mlp.linear_fc2", p + "mlp.linear_fc2.weight"))
    for _, k in out:
        if k not in sd:
            raise KeyError(k)
    return out


def build_lora(sd, pattern, gen):
    adapters = OrderedDict()
    merged_mbridge = OrderedDict()
    scale = LORA_ALPHA / LORA_DIM
    for module, wkey in lora_module_weights(sd, pattern):
        w = sd[wkey]
        out_f, in_f = w.shape
        a = (torch.randn(LORA_DIM, in_f, generator=gen) / math.sqrt(in_f)).to(torch.bfloat16)
        bmat = (torch.randn(out_f, LORA_DIM, generator=gen) * 0.05).to(torch.bfloat16)
        adapters[module + ".adapter.linear_in.weight"] = c(a)
        adapters[module + ".adapter.linear_out.weight"] = c(bmat)
        merged = w.double() + scale * (bmat.double() @ a.double())
        merged_mbridge[wkey] = merged.float()
    return adapters, merged_mbridge


def merged_in_vortex_names(merged_mbridge, pattern, layers):
    out = OrderedDict()
    for i in layers:
        p = "decoder.layers.%d." % i
        b = "blocks.%d." % i
        if pattern[i] == "*":
            out[b + "inner_mha_cls.Wqkv.weight"] = merged_mbridge[p + "self_attention.linear_qkv.weight"]
            out[b + "inner_mha_cls.out_proj.weight"] = merged_mbridge[p + "self_attention.linear_proj.weight"]
        else:
            out[b + "projections.weight"] = merged_mbridge[p + "mixer.dense_projection.weight"]
        fc1 = merged_mbridge[p + "mlp.linear_fc1.weight"]
        half = fc1.shape[0] // 2
        out[b + "mlp.l1.weight"] = fc1[:half].contiguous()
        out[b + "mlp.l2.weight"] = fc1[half:].contiguous()
        out[b + "mlp.l3.weight"] = merged_mbridge[p + "mlp.linear_fc2.weight"]
    return out


def build_savanna(v, cfg, pattern, mbridge_sd):
    """Savanna key names (savanna_to_mbridge.py's mapping, inverted), bf16 weights, fp32 filter parameters."""
    n = len(pattern)
    sd = OrderedDict()
    sd["sequential.0.word_embeddings.weight"] = c(mbridge_sd["embedding.word_embeddings.weight"])
    for i, sym in enumerate(pattern):
        s = "sequential.%d." % (i + 2)
        p = "decoder.layers.%d." % i
        if sym == "*":
            sd[s + "input_layernorm.weight"] = c(mbridge_sd[p + "self_attention.linear_qkv.layer_norm_weight"])
            sd[s + "mixer.dense_projection.weight"] = c(mbridge_sd[p + "self_attention.linear_qkv.weight"])
            sd[s + "mixer.dense.weight"] = c(mbridge_sd[p + "self_attention.linear_proj.weight"])
            sd[s + "mixer.dense.bias"] = c(mbridge_sd[p + "self_attention.linear_proj.bias"])
            sd[s + "mixer.dense._extra_state"] = torch.empty(0, dtype=torch.uint8)
        else:
            sd[s + "input_layernorm.weight"] = c(mbridge_sd[p + "mixer.dense_projection.layer_norm_weight"])
            sd[s + "mixer.dense_projection.weight"] = c(mbridge_sd[p + "mixer.dense_projection.weight"])
            # Savanna keeps the depthwise layout [3D, 1, K]
            sd[s + "mixer.hyena_proj_conv.short_conv_weight"] = c(
                mbridge_sd[p + "mixer.hyena_proj_conv.short_conv_weight"][:, None, :])
            sd[s + "mixer.dense.weight"] = c(mbridge_sd[p + "mixer.dense.weight"])
            sd[s + "mixer.dense.bias"] = c(mbridge_sd[p + "mixer.dense.bias"])
            if sym == "S":
                sd[s + "mixer.mixer.short_conv.short_conv_weight"] = c(
                    mbridge_sd[p + "mixer.mixer.short_conv.short_conv_weight"])
            elif sym == "D":
                sd[s + "mixer.mixer.conv_bias"] = c(mbridge_sd[p + "mixer.mixer.conv_bias"])
                sd[s + "mixer.mixer.filter.h"] = c(mbridge_sd[p + "mixer.mixer.filter.h"])
                sd[s + "mixer.mixer.filter.decay"] = c(mbridge_sd[p + "mixer.mixer.filter.decay"])
            elif sym == "H":
                sd[s + "mixer.mixer.conv_bias"] = c(mbridge_sd[p + "mixer.mixer.conv_bias"])
                sd[s + "mixer.mixer.filter.gamma"] = c(mbridge_sd[p + "mixer.mixer.filter.gamma"])
                sd[s + "mixer.mixer.filter.R"] = c(mbridge_sd[p + "mixer.mixer.filter.R"])
                sd[s + "mixer.mixer.filter.p"] = c(mbridge_sd[p + "mixer.mixer.filter.p"])
        sd[s + "pre_mlp_layernorm.weight"] = c(mbridge_sd[p + "mlp.linear_fc1.layer_norm_weight"])
        fc1 = mbridge_sd[p + "mlp.linear_fc1.weight"]
        half = fc1.shape[0] // 2
        sd[s + "mlp.w1.weight"] = c(fc1[:half])
        sd[s + "mlp.w2.weight"] = c(fc1[half:])
        sd[s + "mlp.w3.weight"] = c(mbridge_sd[p + "mlp.linear_fc2.weight"])
    # 7B/40B layout: N+2 is a parameterless lambda, the final norm sits at N+3
    sd["sequential.%d.norm.weight" % (n + 3)] = c(mbridge_sd["decoder.final_norm.weight"])
    return sd


def savanna_file(module_sd):
    """The dict DeepSpeed's engine.save_checkpoint writes to mp_rank_00_model_states.pt."""
    shapes = OrderedDict((k, t.shape) for k, t in module_sd.items() if not k.endswith("_extra_state"))
    return {
        "module": module_sd,
        "buffer_names": [k for k in module_sd if k.endswith("filter.decay")],
        "optimizer": None,
        "param_shapes": [shapes],
        "frozen_param_shapes": None,
        "shared_params": {},
        "frozen_param_fragments": None,
        "lr_scheduler": {"last_batch_iteration": SAVANNA_STEP - 1},
        "data_sampler": None,
        "random_ltd": None,
        "sparse_tensor_module_names": set(),
        "skipped_steps": 0,
        "global_steps": SAVANNA_STEP,
        "global_samples": SAVANNA_STEP * 8,
        "dp_world_size": 1,
        "mp_world_size": 1,
        "ds_config": {"train_batch_size": 8, "bf16": {"enabled": True}, "zero_optimization": {"stage": 1}},
        "ds_version": "0.14.4",
        "iteration": SAVANNA_STEP,
    }


def listing(out_dir):
    rows = []
    total = 0
    for root, _, files in os.walk(out_dir):
        for name in sorted(files):
            path = os.path.join(root, name)
            size = os.path.getsize(path)
            total += size
            rows.append("%9d  %s" % (size, os.path.relpath(path, out_dir)))
    rows.sort(key=lambda r: r[11:])
    return rows, total


def main():
    if len(sys.argv) != 2:
        print("usage: python3 %s OUT_DIR" % sys.argv[0], file=sys.stderr)
        sys.exit(2)
    out_dir = os.path.abspath(sys.argv[1])
    os.makedirs(out_dir, exist_ok=True)
    golden = os.path.join(repo_root(), "engine", "src", "test", "resources", "golden")
    log("torch %s; golden model from %s" % (torch.__version__, golden))
    v = torch.load(os.path.join(golden, "tiny.pt"), map_location="cpu", weights_only=True)
    cfg = read_flat_yaml(os.path.join(golden, "tiny.yml"))
    pattern = pattern_of(cfg)
    log("tiny model: %d tensors, pattern %s" % (len(v), pattern))
    gen = torch.Generator().manual_seed(16)

    # --- Megatron Bridge, full weights
    mb, expected = build_mbridge(v, cfg, pattern, gen)
    full = OrderedDict(mb)
    # what a real save carries beside the weights: TE extra state blobs and optimizer state (ignored by readers)
    full["decoder.layers.0.mixer.dense_projection._extra_state"] = te_extra_state()
    full["decoder.layers.3.self_attention.linear_qkv._extra_state"] = te_extra_state()
    full["optimizer.state.exp_avg.decoder.final_norm.weight"] = torch.zeros(cfg["hidden_size"])
    full["optimizer.state.exp_avg_sq.decoder.final_norm.weight"] = torch.full((cfg["hidden_size"],), 1e-8)
    mbridge_dir = os.path.join(out_dir, "mbridge")
    write_mbridge_folder(mbridge_dir, full, ITERATION, run_config_yaml(cfg, pattern))
    log("wrote %s (%d weight tensors)" % (mbridge_dir, len(mb)))

    # --- Megatron Bridge LoRA on top of it
    adapters, merged_mbridge = build_lora(mb, pattern, gen)
    lora_sd = OrderedDict(adapters)
    first = next(iter(adapters))
    lora_sd["optimizer.state.exp_avg." + first] = torch.zeros(adapters[first].shape)
    lora_dir = os.path.join(out_dir, "mbridge_lora")
    write_mbridge_folder(lora_dir, lora_sd, LORA_ITERATION,
                         run_config_yaml(cfg, pattern, pretrained=mbridge_dir, lora=True))
    log("wrote %s (%d adapter tensors, rank %d, alpha %d)" % (lora_dir, len(adapters), LORA_DIM, LORA_ALPHA))

    # --- Savanna
    sv = build_savanna(v, cfg, pattern, mb)
    sv_dir = os.path.join(out_dir, "savanna", "global_step%d" % SAVANNA_STEP)
    os.makedirs(sv_dir, exist_ok=True)
    torch.save(savanna_file(sv), os.path.join(sv_dir, "mp_rank_00_model_states.pt"))
    with open(os.path.join(out_dir, "savanna", "latest"), "w") as f:
        f.write("global_step%d" % SAVANNA_STEP)
    log("wrote %s (%d tensors)" % (sv_dir, len(sv)))

    # --- references
    torch.save(expected, os.path.join(out_dir, "expected.pt"))
    torch.save(merged_in_vortex_names(merged_mbridge, pattern, [2, 3]), os.path.join(out_dir, "lora_merged.pt"))
    log("wrote expected.pt (%d tensors) and lora_merged.pt" % len(expected))

    # --- self-check: read the DCP checkpoints back with PyTorch, as the recipe's mbridge_to_vortex does
    from torch.distributed.checkpoint import FileSystemReader
    from torch.distributed.checkpoint.metadata import BytesStorageMetadata
    for d, ref in ((os.path.join(mbridge_dir, "iter_%07d" % ITERATION), mb),
                   (os.path.join(lora_dir, "iter_%07d" % LORA_ITERATION), adapters)):
        reader = FileSystemReader(d)
        md = reader.read_metadata()
        back = {}
        for key, item in md.state_dict_metadata.items():
            if isinstance(item, BytesStorageMetadata):
                continue
            back[key] = torch.empty(item.size, dtype=item.properties.dtype)
        dcp_load(back, reader)
        for key, t in ref.items():
            if not torch.equal(back[key], t):
                raise AssertionError("%s: %s read back differs" % (d, key))
        log("read back %s: %d tensors equal" % (d, len(ref)))

    rows, total = listing(out_dir)
    with open(os.path.join(out_dir, "MANIFEST.txt"), "w") as f:
        f.write("torch %s\n" % torch.__version__)
        f.write("recipe NVIDIA/bionemo-framework evo2_megatron @ 3a9d005bffaa711e5964211d3ba34c5e373eb624\n")
        f.write("pattern %s; LoRA dim %d alpha %d\n" % (pattern, LORA_DIM, LORA_ALPHA))
        for r in rows:
            f.write(r + "\n")
        f.write("%9d  total\n" % total)
    for r in rows:
        log(r)
    log("%9d  total bytes" % total)


if __name__ == "__main__":
    main()
