"""The bench/train model in plain PyTorch, as a reference figure: prints examples/s on the last line."""
import sys
import time

import torch

n, epochs = int(sys.argv[1]), int(sys.argv[2])
torch.manual_seed(0)
x = torch.rand(n, 784)
y = torch.randint(0, 10, (n,))
model = torch.nn.Sequential(
    torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()


def epoch():
    perm = torch.randperm(n)
    for i in range(0, n, 128):
        idx = perm[i : i + 128]
        opt.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()


epoch()
t = time.perf_counter()
for _ in range(epochs):
    epoch()
print(n * epochs / (time.perf_counter() - t))
