"""A synthetic treadmill runner with known kinematics: sample clips and their ground truth."""
