"""llama.cpp on the same GGUF, prompt and thread count as llm_speed.rs, printing the same row.

Run by scripts/bench-llm.sh, which builds llama-cpp-python==0.3.36 in a venv.
"""

import os
import sys
import time

import numpy as np
from llama_cpp import Llama

model = sys.argv[1]
threads = int(os.environ.get("THREADS", "2"))
t = time.perf_counter()
llm = Llama(model_path=model, n_ctx=512, n_threads=threads, n_threads_batch=threads, n_batch=512, verbose=False)
load_s = time.perf_counter() - t
prompt = "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n"
ids = llm.tokenize(prompt.encode(), add_bos=False, special=True)
best = float("inf")
for _ in range(5):
    llm.reset()
    t = time.perf_counter()
    llm.eval(ids)
    best = min(best, time.perf_counter() - t)
nxt = int(np.argmax(np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm.n_vocab(),))))
steps = 64
t = time.perf_counter()
for _ in range(steps):
    llm.eval([nxt])
    nxt = int(np.argmax(np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm.n_vocab(),))))
decode_s = time.perf_counter() - t
print(f"| llama.cpp (llama-cpp-python 0.3.36, Q4_1) | {threads} | {load_s:.2f} | {len(ids)} | {len(ids) / best:.0f} | {steps / decode_s:.0f} |")
