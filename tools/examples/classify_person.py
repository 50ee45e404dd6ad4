# Classifies a 96x96 8-bit BMP with the stock TFLite interpreter and the NPU
# delegate: the one line an existing TFLite program changes is load_delegate.
# usage: python3 classify_person.py MODEL.tflite IMAGE.bmp [libnpu-tflite.so]
# (a 96x96 person detector with int8 input, e.g. zoo/vww_96_int8.tflite;
# the BMP's bytes are pixel-128, rows bottom-up, as tflm/person.bmp)
import sys, numpy as np; from ai_edge_litert.interpreter import Interpreter, load_delegate
it = Interpreter(sys.argv[1], experimental_delegates=[load_delegate(sys.argv[3] if len(sys.argv) > 3 else "libnpu-tflite.so")])
it.allocate_tensors(); inp = it.get_input_details()[0]
it.set_tensor(inp["index"], np.fromfile(sys.argv[2], np.int8)[-96 * 96:].reshape(96, 96, 1)[::-1].repeat(inp["shape"][-1], 2)[None]); it.invoke()
out = it.get_tensor(it.get_output_details()[0]["index"])[0]; print(f"{sys.argv[2]}: {'PERSON' if out[1] > out[0] else 'NO PERSON'} (output bytes {list(map(int, out))})")
