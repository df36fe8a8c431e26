#!/usr/bin/env python3
"""Pictures of a madsweep report (docs/formats.md, "Summary pictures").

usage: plot_report.py DIR

Reads DIR/summary.h5 (written by `madsweep report`) and the /epochs tables of the runs it chose,
and writes into DIR:
  summary_heatmap.png             the table: variants x tasks, each cell annotated
  summary_heatmap_difference.png  this minus the reference (when the report had one)
  summary_curves_<variant>.png    test accuracy per epoch of each chosen run, one panel per task

`madsweep report` runs an embedded copy of this file (CMakeLists.txt embeds it at build time);
MADSWEEP_PLOT_SCRIPT=path runs a file instead. Exit status 3: numpy, h5py or matplotlib is missing.
"""
import math
import os
import sys

PREFIX, SUFFIX = "delta_net_4layer_", "_in_for_loop"
CAPTION = f"Variant names without the prefix '{PREFIX}' and the suffix '{SUFFIX}'."


def fail(message, status):
    print(f"plot_report: {message}", file=sys.stderr)
    sys.exit(status)


try:
    import numpy as np
    import h5py
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle
    from matplotlib.ticker import MaxNLocator
except ImportError as e:
    fail(f"{e.name or e} is not available to {sys.executable} (install python3-matplotlib and python3-h5py, "
         "or point MADSWEEP_PYTHON at a python3 that has them)", 3)


def short(name):
    """The protocol's long names without their common parts: 'decay_state_update'."""
    if name.startswith(PREFIX) and len(name) > len(PREFIX):
        name = name[len(PREFIX):]
    if name.endswith(SUFFIX) and len(name) > len(SUFFIX):
        name = name[:-len(SUFFIX)]
    return name


def save(fig, path, dpi):
    """Writes PATH.tmp.png and renames it, so that a killed plot leaves no half picture."""
    tmp = path[:-4] + ".tmp.png"
    fig.savefig(tmp, dpi=dpi)
    plt.close(fig)
    os.replace(tmp, path)


def text(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def read_summary(path):
    with h5py.File(path, "r") as f:
        wide = f["summary"][:]
        tasks = [n for n in wide.dtype.names if n not in ("variant", "incomplete")]
        out = {
            "metric": text(f.attrs["metric"]),
            "variants": [text(v) for v in wide["variant"]],
            "tasks": tasks,
            "mean": np.array([[row[t] for t in tasks] for row in wide], dtype=float).reshape(len(wide), len(tasks)),
            "cells": f["cells"][:],
            "detail": f["detail"][:],
            "difference": None,
        }
        if "difference" in f:
            d = f["difference"][:]
            out["difference"] = np.array([[row[t] for t in tasks] for row in d], dtype=float).reshape(len(d), len(tasks))
    return out


def cell_info(s):
    """(std, n_seeds, have, want) per [variant][task], from /cells."""
    info = {}
    for row in s["cells"]:
        info[(text(row["variant"]), text(row["title"]))] = (row["std"], row["n_seeds"], row["have"], row["want"])
    return info


def heatmap(s, out, values, difference):
    variants, tasks = s["variants"], s["tasks"]
    info = cell_info(s)
    nv, nt = len(variants), len(tasks)
    fig, ax = plt.subplots(figsize=(2.8 + 1.55 * nt, max(3.4, 1.8 + 0.55 * nv)))
    metric = "token accuracy" if s["metric"] == "token" else "MAD accuracy"
    masked = np.ma.masked_invalid(values)
    if difference:
        limit = max(0.05, float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 0.05)
        cmap, vmin, vmax, label = plt.get_cmap("RdBu").copy(), -limit, limit, "this - reference"
    else:
        cmap, vmin, vmax, label = plt.get_cmap("viridis").copy(), 0.0, 1.0, metric
    cmap.set_bad("#dddddd")
    image = ax.imshow(masked, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    for i in range(nv):
        for j in range(nt):
            std, n, have, want = info.get((variants[i], tasks[j]), (math.nan, 0, 0, 0))
            x = values[i, j]
            if not np.isfinite(x):
                note = "no result" if n == 0 else "no reference"
                mark = f"\nincomplete {have}/{want}" if have < want else ""
                ax.text(j, i, note + mark, ha="center", va="center", fontsize=8, color="#555555")
                continue
            label_text = f"{x:+.3f}" if difference else f"{x:.3f}"
            if not difference:
                label_text += f"\n± {std:.3f} (n={n})" if n > 1 else f"\n(n={n})"
            if have < want:
                label_text += f"\nincomplete {have}/{want}" if not difference else " *"
            shade = (x - vmin) / (vmax - vmin)
            dark = shade < 0.55 if not difference else abs(x) > 0.6 * vmax
            ax.text(j, i, label_text, ha="center", va="center", fontsize=8.5, color="white" if dark else "black")
    if not difference:  # box the best variant of each task
        for j in range(nt):
            col = values[:, j]
            if np.isfinite(col).any():
                best = np.nanmax(col)
                for i in np.where(col == best)[0]:
                    ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=2.5))
    ax.set_xticks(range(nt), [t.replace(" ", "\n") for t in tasks], fontsize=10)
    ax.set_yticks(range(nv), [short(v) for v in variants], fontsize=10)
    ax.set_xlabel("task")
    ax.set_ylabel("variant")
    ax.tick_params(top=True, labeltop=True, bottom=False, labelbottom=False)
    ax.xaxis.set_label_position("top")
    fig.colorbar(image, ax=ax, label=label, fraction=0.04, pad=0.02)
    title = (f"{metric}: this minus the reference" if difference else
             f"{metric}: best over lr x wd, mean over settings, mean ± sd over seeds")
    ax.set_title(title, fontsize=11, pad=12)
    caption = CAPTION + (" Red box: best variant of the task." if not difference else " *: incomplete cell.")
    fig.text(0.01, 0.005, caption, fontsize=8, ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save(fig, out, 110)


def curves(s, folder, variant):
    metric = s["metric"]
    column = "token_accuracy" if metric == "token" else "mad_accuracy"
    rows = [r for r in s["detail"] if text(r["variant"]) == variant and text(r["path"])]
    tasks = [t for t in dict.fromkeys(text(r["task"]) for r in rows)]
    if not tasks:
        return False
    titles = {text(c["task"]): text(c["title"]) for c in s["cells"]}
    ncols = min(3, len(tasks))
    nrows = math.ceil(len(tasks) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 3.9 * nrows + 0.6), squeeze=False)
    for ax, task in zip(axes.flat, tasks):
        mine = [r for r in rows if text(r["task"]) == task]
        settings = list(dict.fromkeys(text(r["setting"]) for r in mine))
        seeds = sorted({int(r["seed"]) for r in mine})
        styles = ["-", "--", ":", "-."]
        colors = plt.get_cmap("tab10")
        for r in mine:
            with h5py.File(os.path.join(folder, text(r["path"])), "r") as f:
                epochs = f["epochs"][:]
                best = int(f["final"].attrs["best_epoch"])
            k = settings.index(text(r["setting"]))
            x = epochs["epoch"] + 1
            label = f"{text(r['setting'])}, seed {int(r['seed'])}, lr {r['lr']:g}"
            ax.plot(x, epochs[column], styles[seeds.index(int(r["seed"])) % 4], color=colors(k % 10), label=label)
            at = np.where(epochs["epoch"] == best)[0]
            if len(at):
                ax.plot(x[at], epochs[column][at], "o", color=colors(k % 10), markersize=5)
        ax.set_title(titles.get(task, task), fontsize=11)
        ax.set_xlabel("epoch")
        ax.set_ylabel("test " + ("token" if metric == "token" else "MAD") + " accuracy")
        ax.set_ylim(-0.02, 1.02)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        if len(mine) <= 8:
            ax.legend(fontsize=7, loc="best")
        else:
            ax.text(0.02, 0.98, f"{len(mine)} runs: {len(settings)} settings (colour) x {len(seeds)} seeds (line)",
                    transform=ax.transAxes, fontsize=7, va="top")
    for ax in list(axes.flat)[len(tasks):]:
        ax.axis("off")
    fig.suptitle(f"Learning curves of the chosen runs: {variant}", fontsize=12)
    fig.text(0.01, 0.005, "One line per (setting, seed): its best run over lr x wd. Dot: the epoch of lowest test "
             "perplexity, whose accuracy the table uses.", fontsize=8, ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.03, 1, 0.97))
    save(fig, os.path.join(folder, f"summary_curves_{variant}.png"), 100)
    return True


def main(argv):
    if len(argv) != 2:
        fail("usage: plot_report.py DIR", 2)
    folder = argv[1]
    s = read_summary(os.path.join(folder, "summary.h5"))
    if not s["variants"]:
        return 0
    heatmap(s, os.path.join(folder, "summary_heatmap.png"), s["mean"], False)
    if s["difference"] is not None:
        heatmap(s, os.path.join(folder, "summary_heatmap_difference.png"), s["difference"], True)
    for v in s["variants"]:
        curves(s, folder, v)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
