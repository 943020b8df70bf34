/**
 * The Python side of the scikit-learn engine, embedded so that the build copies nothing: it is run as
 * `python3 -u -c <script> <model file> <method>`. It speaks JSON Lines:
 * - first line out: `{"ready": true, "model_type", "sklearn_version", "python_version", "methods",
 *   "classes"?, "n_features_in"?}` or `{"fatal": "<message>", "kind": "missing-python-package" | "load"}`;
 * - in: `{"id": n, "instances": [...], "method"?: "predict" | "predict_proba"}`;
 *   out: `{"id": n, "outcomes": [{"prediction": ...} | {"error": "..."}]}` or `{"id": n, "error": "..."}`.
 * The batch is predicted in one call; when that fails, each instance is predicted on its own so that
 * only the bad ones fail. Anything the model prints goes to stderr: stdout carries the protocol only.
 *
 * SECURITY: unpickling a model file runs code from it. Only load model folders the user chose.
 */
export const SKLEARN_WORKER_SCRIPT = String.raw`
import json
import math
import os
import pickle
import sys

# stdout carries the protocol alone: keep a private copy and send everything else printed to stderr.
proto = os.fdopen(os.dup(1), 'w', encoding='utf-8')
os.dup2(2, 1)
sys.stdout = sys.stderr


def send(obj):
    proto.write(json.dumps(obj, allow_nan=False) + '\n')
    proto.flush()


def jsonable(v):
    if hasattr(v, 'tolist'):
        v = v.tolist()
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if v is None or isinstance(v, (bool, int, str)):
        return v
    return str(v)


def describe(e):
    return '%s: %s' % (type(e).__name__, e)


def main():
    if len(sys.argv) < 2:
        send({'fatal': 'usage: worker MODEL_FILE [METHOD]', 'kind': 'usage'})
        return 2
    path = sys.argv[1]
    default_method = sys.argv[2] if len(sys.argv) > 2 else 'predict'
    try:
        import numpy as np
        import sklearn
    except ImportError as e:
        send({'fatal': describe(e), 'kind': 'missing-python-package'})
        return 3
    try:
        if path.endswith('.joblib'):
            import joblib
            model = joblib.load(path)
        else:
            with open(path, 'rb') as f:
                model = pickle.load(f)
    except ImportError as e:
        send({'fatal': 'Failed to load model: %s' % describe(e), 'kind': 'missing-python-package'})
        return 3
    except Exception as e:
        send({'fatal': 'Failed to load model: %s' % describe(e), 'kind': 'load'})
        return 4
    module = type(model).__module__
    booster = module.startswith('xgboost') and type(model).__name__ == 'Booster'
    if 'sklearn' not in module and not booster:
        send({'fatal': 'Invalid model type detected: %s.%s. Please make sure the model file is an exported '
                       'sklearn model or pipeline.' % (module, type(model).__name__), 'kind': 'load'})
        return 4
    methods = [m for m in ('predict', 'predict_proba') if hasattr(model, m)]
    if booster:
        import xgboost
        methods = ['predict']

    def to_input(rows):
        if booster:
            return xgboost.DMatrix(np.array(rows, dtype=float))
        if rows and all(isinstance(r, dict) for r in rows):
            try:
                import pandas
            except ImportError:
                raise ValueError('instances are objects, which need pandas (python3-pandas) to become a DataFrame')
            return pandas.DataFrame(rows)
        numeric = all(isinstance(r, list) and all(x is None or isinstance(x, (int, float)) for x in r) for r in rows)
        if numeric:
            return np.array([[np.nan if x is None else x for x in r] for r in rows], dtype=float)
        return rows

    def run(rows, method):
        out = getattr(model, method)(to_input(rows))
        out = list(out) if not hasattr(out, 'tolist') else out.tolist()
        if len(out) != len(rows):
            raise ValueError('the model returned %d predictions for %d instances' % (len(out), len(rows)))
        return out

    info = {'ready': True, 'model_type': '%s.%s' % (module, type(model).__name__),
            'sklearn_version': sklearn.__version__, 'python_version': sys.version.split()[0], 'methods': methods}
    if hasattr(model, 'classes_'):
        info['classes'] = jsonable(model.classes_)
    if hasattr(model, 'n_features_in_'):
        info['n_features_in'] = int(model.n_features_in_)
    send(info)

    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        rid = None
        try:
            req = json.loads(line)
            rid = req.get('id')
            method = req.get('method') or default_method
            if method not in methods:
                raise ValueError('the model has no %s method (it has %s)' % (method, ', '.join(methods)))
            instances = req['instances']
            if not isinstance(instances, list):
                raise ValueError('instances must be a list')
        except Exception as e:
            send({'id': rid, 'error': describe(e)})
            continue
        try:
            outcomes = [{'prediction': jsonable(p)} for p in run(instances, method)]
        except Exception as batch_error:
            if len(instances) == 1:
                outcomes = [{'error': describe(batch_error)}]
            else:
                outcomes = []
                for instance in instances:
                    try:
                        outcomes.append({'prediction': jsonable(run([instance], method)[0])})
                    except Exception as e:
                        outcomes.append({'error': describe(e)})
        send({'id': rid, 'outcomes': outcomes})
    return 0


sys.exit(main())
`;
