"""Object detection on recorded video (issue 6): detector plugins over ONNX Runtime, the sampling pipeline, search."""
