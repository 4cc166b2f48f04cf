#!/usr/bin/python3
"""Data and plaintext baseline for the end-to-end demo (scripts/demo).

The Wisconsin diagnostic breast-cancer table ships with Debian's python3-sklearn. This script
  prepare DIR     splits it into two hospitals' training tables and an insurer's new rows,
                  with their schemas and the research lab's training and inference plans;
  plaintext DIR   trains the same model in the clear (numpy, same hyperparameters as the plan)
                  and prints its accuracy on the insurer's rows: the baseline for the demo;
  model DIR CSV   prints the accuracy of the released model (a CSV written by `arca consumer
                  fetch`) and how far its weights are from the plaintext training's;
  score DIR PRED  prints the accuracy of predictions (a CSV written by `arca consumer infer`).
Only the demo's own files are written, all under DIR.
"""
import csv
import json
import os
import sys

import numpy as np

SOURCE = "/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv"
SEED = 7
TEST_ROWS = 113  # about a fifth of 569, held out as the insurer's new rows
ITERATIONS, LEARNING_RATE, L2 = 200, 0.5, 0.01
MODEL = "malignancy-risk-v1"


def feature_names():
    from sklearn.datasets import load_breast_cancer  # names only; the rows come from SOURCE
    return [n.replace(" ", "_") for n in load_breast_cancer().feature_names]


def load():
    with open(SOURCE, newline="") as f:
        rows = list(csv.reader(f))[1:]  # the first line is a count header, not names
    features = np.array([[float(v) for v in r[:30]] for r in rows])
    malignant = np.array([1 - int(r[30]) for r in rows])  # 0 = malignant in the source
    return features, malignant


def split():
    features, malignant = load()
    order = np.random.default_rng(SEED).permutation(len(malignant))
    test, train = order[:TEST_ROWS], order[TEST_ROWS:]
    half = len(train) // 2
    return features, malignant, train[:half], train[half:], test


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows(rows)


def prepare(directory):
    os.makedirs(directory, exist_ok=True)
    names = feature_names()
    features, malignant, a, b, test = split()
    for name, rows in (("hospital_a", a), ("hospital_b", b)):
        write_csv(os.path.join(directory, f"{name}.csv"), names + ["malignant"],
                  [[repr(float(v)) for v in features[i]] + ["true" if malignant[i] else "false"]
                   for i in rows])
    write_csv(os.path.join(directory, "applicants.csv"), names,
              [[repr(float(v)) for v in features[i]] for i in test])
    write_csv(os.path.join(directory, "applicants_truth.csv"), ["malignant"],
              [[int(malignant[i])] for i in test])
    columns = [{"name": n, "type": "decimal", "min": 0} for n in names]
    with open(os.path.join(directory, "hospital_schema.json"), "w") as f:
        json.dump({"columns": columns + [{"name": "malignant", "type": "boolean"}]}, f, indent=1)
    with open(os.path.join(directory, "applicants_schema.json"), "w") as f:
        json.dump({"columns": columns}, f, indent=1)
    used = sorted(names + ["malignant"])
    plan = {
        "version": 1,
        "name": "Malignancy risk model for an insurer, from two hospitals",
        "inputs": {"hospital_a": {"columns": used}, "hospital_b": {"columns": used}},
        "nodes": [
            {"id": "a", "op": "column", "dataset": "hospital_a", "columns": used},
            {"id": "b", "op": "column", "dataset": "hospital_b", "columns": used},
            {"id": "patients", "op": "union", "inputs": ["a", "b"]},
            {"id": "model", "op": "train_logistic", "inputs": ["patients"], "features": names,
             "label": "malignant", "iterations": ITERATIONS, "learning_rate": LEARNING_RATE,
             "l2": L2, "standardize": True, "store_as": MODEL},
        ],
        "outputs": [{"name": "risk_model", "node": "model", "recipients": ["insurer"]}],
        "levels": ["dealer2pc", "rep3", "tee"],
        "fixed_point": {"fractional_bits": 18},
    }
    with open(os.path.join(directory, "train_plan.json"), "w") as f:
        json.dump(plan, f, indent=1)
    infer = {
        "version": 1,
        "name": "Malignancy risk of an insurer's applicants under the stored model",
        "inputs": {"applicants": {"columns": names, "supplied_by": "consumer"}},
        "nodes": [
            {"id": "rows", "op": "column", "dataset": "applicants", "columns": names},
            {"id": "risk", "op": "infer", "inputs": ["rows"], "model": MODEL, "features": names},
        ],
        "outputs": [{"name": "risk", "node": "risk", "recipients": ["insurer"]}],
        "levels": ["dealer2pc", "rep3", "tee"],
    }
    with open(os.path.join(directory, "infer_plan.json"), "w") as f:
        json.dump(infer, f, indent=1)
    print(f"hospital_a: {len(a)} rows, hospital_b: {len(b)} rows, applicants: {len(test)} rows, "
          f"{len(names)} features")


def train_plaintext():
    """The plan's training in the clear: standardised features, full-batch gradient descent."""
    features, malignant, a, b, test = split()
    train = np.concatenate([a, b])
    x, y = features[train], malignant[train]
    mean, std = x.mean(0), x.std(0)
    z = (x - mean) / std
    w, bias = np.zeros(z.shape[1]), 0.0
    for _ in range(ITERATIONS):
        error = 1 / (1 + np.exp(-(z @ w + bias))) - y
        w -= LEARNING_RATE * (z.T @ error / len(y) + L2 * w)
        bias -= LEARNING_RATE * error.mean()
    w_raw = w / std  # the model on unscaled features, as the plan releases it
    return w_raw, bias - float(mean @ w_raw), features[test], malignant[test]


def plaintext(_directory):
    w, bias, rows, truth = train_plaintext()
    accuracy = np.mean(((rows @ w + bias) > 0) == truth)
    print(f"plaintext training (numpy, same plan): accuracy {accuracy:.4f} on {len(truth)} rows")


def released_model(directory, model_csv):
    """Accuracy of the model the consumer received, applied in the clear to its new rows."""
    with open(model_csv, newline="") as f:
        weights = {r["label"]: float(r["value"]) for r in csv.DictReader(f)}
    names = feature_names()
    w = np.array([weights[n] for n in names])
    features, malignant, a, b, test = split()
    reference, bias, _, _ = train_plaintext()
    accuracy = np.mean(((features[test] @ w + weights["intercept"]) > 0) == malignant[test])
    # Compared on the standardised scale the training used, where every weight is O(1).
    scale = features[np.concatenate([a, b])].std(0)
    gap = np.max(np.abs((w - reference) * scale))
    print(f"released model: accuracy {accuracy:.4f} on {len(test)} rows; its weights differ from "
          f"the plaintext training's by at most {gap:.1e} (on standardised features; intercept "
          f"{weights['intercept']:.4f} vs {bias:.4f})")


def score(directory, predictions):
    with open(os.path.join(directory, "applicants_truth.csv"), newline="") as f:
        truth = np.array([int(r[0]) for r in list(csv.reader(f))[1:]])
    with open(predictions, newline="") as f:
        rows = list(csv.DictReader(f))
    probability = np.array([float(r["value"]) for r in rows])
    if len(probability) != len(truth):
        sys.exit(f"score: {len(probability)} predictions for {len(truth)} rows")
    accuracy = np.mean((probability > 0.5) == truth)
    print(f"secure inference: accuracy {accuracy:.4f} on {len(truth)} rows")


if __name__ == "__main__":
    commands = {"prepare": prepare, "plaintext": plaintext, "model": released_model,
                "score": score}
    if len(sys.argv) < 3 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])
