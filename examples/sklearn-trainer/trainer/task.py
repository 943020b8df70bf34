"""Trains a random forest on the wine data, the way a Cloud ML Engine scikit-learn trainer does.

Run locally:  model-lab local-train --package-path trainer --module-name trainer.task --job-dir out
On Cloud:     gcloud ai-platform jobs submit training JOB --config config.yaml \
                --package-path trainer --module-name trainer.task --job-dir gs://BUCKET/wine
Hyperparameters arrive as --n_estimators=... --max_depth=...; the metric goes back through the
cloudml-hypertune file protocol (the `hypertune` package when installed, else the same few lines here).
"""
import argparse
import collections
import csv
import json
import os
import time

import joblib
import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split

DEFAULT_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'wine', 'wine.csv')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--job-dir', required=True, help='where model.joblib is written')
    parser.add_argument('--data-file', default=DEFAULT_DATA, help='CSV with a header and a `class` column')
    parser.add_argument('--n_estimators', type=int, default=50)
    parser.add_argument('--max_depth', type=int, default=4)
    parser.add_argument('--eval-fraction', type=float, default=0.25)
    parser.add_argument('--seed', type=int, default=7)
    return parser.parse_args()


def load_csv(path, label):
    with open(path, newline='') as f:
        rows = list(csv.DictReader(f))
    features = [name for name in rows[0] if name != label]
    x = np.array([[float(row[name]) for name in features] for row in rows])
    y = np.array([row[label] for row in rows])
    return x, y


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


def main():
    args = parse_args()
    x, y = load_csv(args.data_file, 'class')
    x_train, x_eval, y_train, y_eval = train_test_split(
        x, y, test_size=args.eval_fraction, random_state=args.seed, stratify=y)

    model = RandomForestClassifier(
        n_estimators=args.n_estimators, max_depth=args.max_depth, random_state=args.seed)
    model.fit(x_train, y_train)
    accuracy = float(model.score(x_eval, y_eval))
    # Accuracy on 45 wines moves in steps of 2%; the log loss tells close models apart, so tuning minimizes it.
    loss = float(log_loss(y_eval, model.predict_proba(x_eval), labels=model.classes_))
    print('n_estimators={} max_depth={} eval accuracy={:.4f} log_loss={:.4f}'.format(
        args.n_estimators, args.max_depth, accuracy, loss))

    os.makedirs(args.job_dir, exist_ok=True)
    model_file = os.path.join(args.job_dir, 'model.joblib')
    joblib.dump(model, model_file)
    print('wrote', model_file)
    report_metric('accuracy', accuracy, global_step=args.n_estimators)
    report_metric('log_loss', loss, global_step=args.n_estimators)


if __name__ == '__main__':
    main()
