"""The 33 BlazePose landmarks, named as MediaPipe names them.

The index of each name is its column in every ``[n, 33, ...]`` array of a
:class:`vision.track.PoseTrack`.

>>> LANDMARK_NAMES[LEFT_HIP]
'left_hip'
"""

from __future__ import annotations

LANDMARK_NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner", "left_eye", "left_eye_outer",
    "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear",
    "mouth_left", "mouth_right",
    "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow",
    "left_wrist", "right_wrist",
    "left_pinky", "right_pinky",
    "left_index", "right_index",
    "left_thumb", "right_thumb",
    "left_hip", "right_hip",
    "left_knee", "right_knee",
    "left_ankle", "right_ankle",
    "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
)
N_LANDMARKS = len(LANDMARK_NAMES)
INDEX: dict[str, int] = {name: i for i, name in enumerate(LANDMARK_NAMES)}

NOSE = INDEX["nose"]
LEFT_SHOULDER, RIGHT_SHOULDER = INDEX["left_shoulder"], INDEX["right_shoulder"]
LEFT_ELBOW, RIGHT_ELBOW = INDEX["left_elbow"], INDEX["right_elbow"]
LEFT_WRIST, RIGHT_WRIST = INDEX["left_wrist"], INDEX["right_wrist"]
LEFT_HIP, RIGHT_HIP = INDEX["left_hip"], INDEX["right_hip"]
LEFT_KNEE, RIGHT_KNEE = INDEX["left_knee"], INDEX["right_knee"]
LEFT_ANKLE, RIGHT_ANKLE = INDEX["left_ankle"], INDEX["right_ankle"]
LEFT_HEEL, RIGHT_HEEL = INDEX["left_heel"], INDEX["right_heel"]
LEFT_FOOT_INDEX, RIGHT_FOOT_INDEX = INDEX["left_foot_index"], INDEX["right_foot_index"]

# Each landmark's mirror image across the body's midline: exchanging sides
# (a left/right swap, a mirrored clip) is ``array[:, MIRROR]``.
MIRROR: tuple[int, ...] = tuple(
    INDEX[n.replace("left", "@").replace("right", "left").replace("@", "right")]
    for n in LANDMARK_NAMES
)

# Bones drawn for a skeleton, as (landmark, landmark) pairs.
SKELETON: tuple[tuple[int, int], ...] = (
    (LEFT_SHOULDER, RIGHT_SHOULDER), (LEFT_HIP, RIGHT_HIP),
    (LEFT_SHOULDER, LEFT_HIP), (RIGHT_SHOULDER, RIGHT_HIP),
    (LEFT_SHOULDER, LEFT_ELBOW), (LEFT_ELBOW, LEFT_WRIST),
    (RIGHT_SHOULDER, RIGHT_ELBOW), (RIGHT_ELBOW, RIGHT_WRIST),
    (LEFT_HIP, LEFT_KNEE), (LEFT_KNEE, LEFT_ANKLE),
    (RIGHT_HIP, RIGHT_KNEE), (RIGHT_KNEE, RIGHT_ANKLE),
    (LEFT_ANKLE, LEFT_HEEL), (LEFT_HEEL, LEFT_FOOT_INDEX), (LEFT_ANKLE, LEFT_FOOT_INDEX),
    (RIGHT_ANKLE, RIGHT_HEEL), (RIGHT_HEEL, RIGHT_FOOT_INDEX), (RIGHT_ANKLE, RIGHT_FOOT_INDEX),
)
