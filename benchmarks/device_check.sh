#!/bin/bash
# Device checks of device="cuda" for a session lent a GPU (CI has none). Run from the
# repository root on the GPU machine, with $OUT an output folder.
#
# Preparation here (the GPU machine has torch but not skorch, and no internet):
#   echo /.gpu/ >> .git/info/exclude; mkdir -p .gpu/whl .gpu/mnist
#   cp ../shared/data/mnist/*.gz .gpu/mnist/
#   python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
#     --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
#     --platform manylinux_2_17_x86_64 -d .gpu/whl skorch==1.4.0 scikit-learn==1.9.1
# then (device tool): run  DEADLINE=500 bash benchmarks/device_check.sh  carrying .gpu.
#
# What it does, all ending before DEADLINE seconds: tests/test_cuda.py; a digits model
# fitted on the GPU pickled to $OUT (load it on a CPU-only machine); MNIST-100 with the
# defaults on cuda (seed 0, alone); then 3 seeds of the 300-epoch configuration side by
# side with --live, so that a run cut short still leaves its curve in the logs.
set -u
export PYTHONUNBUFFERED=1
DEADLINE=${DEADLINE:-510}
T0=$SECONDS
left() { echo $((DEADLINE - (SECONDS - T0))); }
mkdir -p $OUT/work
LOG=$OUT/main.log
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .gpu/whl/*.whl >>$LOG 2>&1 || { echo "pip failed" >>$LOG; exit 1; }
export PYTHONPATH=/tmp/site:$PWD
{
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
  python3 -c "import torch,sklearn,skorch,numpy;print('torch',torch.__version__,'sklearn',sklearn.__version__,'skorch',skorch.__version__,'numpy',numpy.__version__,torch.cuda.get_device_name(0))"
  nproc
} >>$LOG 2>&1
echo "== pytest tests/test_cuda.py (t=$((SECONDS-T0)))" >>$LOG
timeout 170 python3 -m pytest -q -p no:cacheprovider -rA tests/test_cuda.py >>$LOG 2>&1
echo "== pytest rc=$? (t=$((SECONDS-T0)))" >>$LOG
timeout 60 python3 - >>$LOG 2>&1 <<PY
import pickle, numpy as np, torch
from sklearn.datasets import load_digits
from sgan_sklearn import SGANClassifier
X, y = load_digits(return_X_y=True)
y_partial = np.where(np.arange(len(y)) % 10 == 0, y, -1)
m = SGANClassifier(hidden_layer_sizes=(64, 64), generator_layer_sizes=(64,), generator__latent_dim=16,
                   max_epochs=8, train__min_steps_per_epoch=40, batch_size=50, device="cuda",
                   random_state=0).fit(X, y_partial)
open("$OUT/digits_cuda_model.pkl", "wb").write(pickle.dumps(m))
np.save("$OUT/digits_cuda_proba.npy", m.predict_proba(X))
print("pickled; unlabeled accuracy", np.mean(m.predict(X)[y_partial == -1] == y[y_partial == -1]))
PY
echo "== MNIST defaults seed 0 on cuda (t=$((SECONDS-T0)), left $(left))" >>$LOG
timeout $(( $(left) - 200 )) python3 -m benchmarks.mnist_sgan --seed 0 --threads 2 --tag gpu_defaults \
  --data .gpu/mnist --live --param device='"cuda"' --note "H200, alone" >>$LOG 2>&1
echo "== defaults rc=$? (t=$((SECONDS-T0)), left $(left))" >>$LOG
for s in 0 1 2; do
  timeout $(( $(left) - 15 )) python3 -m benchmarks.mnist_sgan --seed $s --threads 2 --tag gpu_fast300 \
    --data .gpu/mnist --live --param device='"cuda"' batch_size=200 max_epochs=300 \
    input_scaling='"minmax"' train__generator_start='"data_mean"' learning_rate_schedule='"linear_decay"' \
    --note "H200, three seeds side by side" >$OUT/work/fast300_seed$s.log 2>&1 &
done
wait
echo "== fast300 done (t=$((SECONDS-T0)))" >>$LOG
cp benchmarks/results/mnist_sgan_gpu_*.json $OUT/work/ 2>/dev/null
tar -C $OUT -czf $OUT/results.tgz work && rm -rf $OUT/work
echo "== end (t=$((SECONDS-T0)))" >>$LOG
