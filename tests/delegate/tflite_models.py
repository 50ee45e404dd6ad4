# SPDX-License-Identifier: MIT
"""Helpers shared by the delegate's test and benchmark."""
import importlib.machinery
import importlib.util
import os

# normalize_bias_quant() is npu-verify's (tools/npu-verify): one definition.
_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools",
                     "npu-verify")
_spec = importlib.util.spec_from_loader(
    "npu_verify", importlib.machinery.SourceFileLoader("npu_verify", _path))
_npu_verify = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_npu_verify)
normalize_bias_quant = _npu_verify.normalize_bias_quant
