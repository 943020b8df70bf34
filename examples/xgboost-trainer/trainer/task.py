"""Trains a gradient-boosted tree model on the breast cancer data, as a Cloud ML Engine XGBoost trainer does.

Run locally:  model-lab local-train --package-path trainer --module-name trainer.task --job-dir out
On Cloud:     gcloud ai-platform jobs submit training JOB --config config.yaml \
                --package-path trainer --module-name trainer.task --job-dir gs://BUCKET/breast-cancer
Hyperparameters arrive as --max_depth=... --eta=... --num_round=...; the hold-out AUC goes back through the
cloudml-hypertune file protocol every 10 rounds (the `hypertune` package when installed, else the same few
lines here), so a study can stop an unpromising trial early.
"""
import argparse
import collections
import csv
import json
import os
import time

import numpy as np
import xgboost as xgb

DEFAULT_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'breast-cancer', 'breast_cancer.csv')
LABEL = 'diagnosis'
POSITIVE = 'malignant'
METRIC_TAG = 'auc'
REPORT_EVERY = 10


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--job-dir', required=True, help='where model.bst and model.json are written')
    parser.add_argument('--data-file', default=DEFAULT_DATA, help='CSV with a header and a `diagnosis` column')
    parser.add_argument('--max_depth', type=int, default=3)
    parser.add_argument('--eta', type=float, default=0.3)
    parser.add_argument('--num_round', type=int, default=50)
    parser.add_argument('--eval-fraction', type=float, default=0.25)
    parser.add_argument('--seed', type=int, default=7)
    return parser.parse_args()


def load_csv(path):
    with open(path, newline='') as f:
        rows = list(csv.DictReader(f))
    features = [name for name in rows[0] if name != LABEL]
    x = np.array([[float(row[name]) for name in features] for row in rows], dtype=np.float32)
    y = np.array([1.0 if row[LABEL] == POSITIVE else 0.0 for row in rows], dtype=np.float32)
    return x, y, features


def hold_out(x, y, fraction, seed):
    order = np.random.RandomState(seed).permutation(len(y))
    n_eval = int(round(len(y) * fraction))
    return x[order[n_eval:]], y[order[n_eval:]], x[order[:n_eval]], y[order[:n_eval]]


_METRICS = collections.deque(maxlen=100)


def report_metric(tag, value, global_step=None):
    """What hypertune.HyperTune().report_hyperparameter_tuning_metric writes, for when it is not installed."""
    try:
        import hypertune
        hypertune.HyperTune().report_hyperparameter_tuning_metric(
            hyperparameter_metric_tag=tag, metric_value=value, global_step=global_step)
        return
    except ImportError:
        pass
    path = os.environ.get('CLOUD_ML_HP_METRIC_FILE', '/tmp/hypertune/output.metrics')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    _METRICS.append({
        'timestamp': time.time(),
        'trial': str(os.environ.get('CLOUD_ML_TRIAL_ID', 0)),
        tag or 'training/hptuning/metric': str(float(value)),
        'global_step': str(int(global_step) if global_step else 0),
    })
    with open(path, 'w') as f:
        for record in _METRICS:
            f.write(json.dumps(record, sort_keys=True) + '\n')


class ReportAuc(xgb.callback.TrainingCallback):
    """Reports the hold-out AUC every REPORT_EVERY rounds: the learning curve early stopping reads."""

    def after_iteration(self, model, epoch, evals_log):
        rounds = epoch + 1
        if rounds % REPORT_EVERY == 0:
            report_metric(METRIC_TAG, evals_log['eval']['auc'][-1], global_step=rounds)
        return False


def main():
    args = parse_args()
    x, y, features = load_csv(args.data_file)
    x_train, y_train, x_eval, y_eval = hold_out(x, y, args.eval_fraction, args.seed)
    train = xgb.DMatrix(x_train, label=y_train, feature_names=features)
    evaluation = xgb.DMatrix(x_eval, label=y_eval, feature_names=features)
    params = {
        'objective': 'binary:logistic',
        'eval_metric': 'auc',
        'max_depth': args.max_depth,
        'eta': args.eta,
        'seed': args.seed,
        'nthread': 1,
    }
    booster = xgb.train(params, train, num_boost_round=args.num_round,
                        evals=[(evaluation, 'eval')], verbose_eval=False, callbacks=[ReportAuc()])
    probabilities = booster.predict(evaluation)
    auc = float(booster.eval(evaluation).split(':')[-1])
    accuracy = float(np.mean((probabilities > 0.5) == (y_eval > 0.5)))
    print('max_depth={} eta={} num_round={} eval auc={:.4f} accuracy={:.4f}'.format(
        args.max_depth, args.eta, args.num_round, auc, accuracy))

    os.makedirs(args.job_dir, exist_ok=True)
    # model.bst is the file Cloud ML's XGBoost runtime serves; model.json is XGBoost's portable format.
    for name in ('model.bst', 'model.json'):
        booster.save_model(os.path.join(args.job_dir, name))
    print('wrote model.bst and model.json to', args.job_dir)
    if args.num_round % REPORT_EVERY != 0:  # the callback has reported the last round otherwise
        report_metric(METRIC_TAG, auc, global_step=args.num_round)


if __name__ == '__main__':
    main()
