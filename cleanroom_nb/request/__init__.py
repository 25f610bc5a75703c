"""The CreateTrainingDataset request: build it, validate it, write it as plain boto3 code."""

from __future__ import annotations

from cleanroom_nb.request._build import TrainingDatasetRequest, build_request
from cleanroom_nb.request._codegen import to_boto3_code
from cleanroom_nb.request._validate import validate_request

__all__ = ["TrainingDatasetRequest", "build_request", "to_boto3_code", "validate_request"]
