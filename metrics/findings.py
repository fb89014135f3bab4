"""Findings: plain-language statements a therapist can read aloud.

Each one says what was measured, the reference it was compared with and its
source.  They describe movement; they never diagnose.  Measures whose
confidence is low are left out of findings (they are still in the table).
"""

from __future__ import annotations

from metrics.analysis import Finding, Metric
from metrics.foot_strike import strike_pattern

SIDES = ("left", "right")


def _usable(metrics: dict[str, Metric], name: str) -> Metric | None:
    m = metrics.get(name)
    if m is None or m.value is None or (m.confidence and m.confidence.level == "low"):
        return None
    return m


def _above(m: Metric | None) -> bool:
    return bool(m and m.reference and m.reference.high is not None and m.value > m.reference.high)


def _below(m: Metric | None) -> bool:
    return bool(m and m.reference and m.reference.low is not None and m.value < m.reference.low)


def _says(m: Metric) -> str:
    """'12.3 cm (left 11.0, right 13.5)'."""
    text = f"{m.value:.1f} {m.unit}"
    if m.left is not None and m.right is not None:
        text += f" (left {m.left:.1f}, right {m.right:.1f})"
    return text


def _band(m: Metric) -> str:
    r = m.reference
    if r.low is not None and r.high is not None:
        return f"{r.low:g}-{r.high:g} {r.unit}"
    return f"up to {r.high:g} {r.unit}" if r.high is not None else f"from {r.low:g} {r.unit}"


def label(name: str) -> str:
    """A metric's name in words, without its unit suffix.

    >>> label("ground_contact_time_ms")
    'Ground contact time'
    """
    for suffix in ("_pct_leg", "_spm", "_ms", "_deg", "_pct", "_cm", "_leg", "_m"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name.replace("_", " ").capitalize()


def _worst(per_stride: dict[str, list], name: str, largest: bool = True) -> int | None:
    values = [(v, i) for i, v in enumerate(per_stride.get(name, [])) if v is not None]
    if not values:
        return None
    return (max(values) if largest else min(values))[1]


def findings(metrics: dict[str, Metric], per_stride: dict[str, list]) -> list[Finding]:
    """All findings for a clip, the combined patterns first."""
    out: list[Finding] = []
    used: set[str] = set()
    cadence = _usable(metrics, "cadence_spm")
    strike = _usable(metrics, "foot_strike_angle_deg")
    over = _usable(metrics, "overstride_cm") or _usable(metrics, "overstride_pct_leg")
    shank = _usable(metrics, "shank_angle_at_contact_deg")
    reaching = over if _above(over) else shank if _above(shank) else None

    if reaching and strike and strike_pattern(strike.value) == "rearfoot" and _below(cadence):
        out.append(Finding(
            "overstride_heel_strike_low_cadence",
            f"The heel lands well ahead of the body ({label(reaching.name).lower()} {_says(reaching)}, "
            f"working band {_band(reaching)}), heel first (foot-strike angle {_says(strike)}; rearfoot above "
            f"8 deg) and at a low step rate ({cadence.value:.0f} steps/min; typical {_band(cadence)}). "
            "These three often appear together; a 5-10% higher step rate usually shortens the reach.",
            [reaching.name, strike.name, cadence.name], "flag", _worst(per_stride, reaching.name),
            sorted({reaching.reference.source, strike.reference.source, cadence.reference.source})))
        used |= {reaching.name, strike.name, cadence.name}
    elif reaching:
        out.append(Finding(
            "overstride", f"The heel lands ahead of the body: {label(reaching.name).lower()} "
            f"{_says(reaching)}, above the working band of {_band(reaching)}.",
            [reaching.name], "notice", _worst(per_stride, reaching.name), [reaching.reference.source]))
        used.add(reaching.name)

    lean, hip = _usable(metrics, "trunk_lean_deg"), _usable(metrics, "hip_extension_deg")
    if _above(lean) and _below(hip):
        out.append(Finding(
            "forward_lean_little_hip_extension",
            f"The trunk leans forward {_says(lean)} (typical {_band(lean)}) while the thigh reaches only "
            f"{_says(hip)} behind vertical at toe-off (typical {_band(hip)}): the forward lean may be making up "
            "for little hip extension.", [lean.name, hip.name], "flag", _worst(per_stride, lean.name),
            sorted({lean.reference.source, hip.reference.source})))
        used |= {lean.name, hip.name}

    for name in ("pelvic_drop_deg", "knee_collapse_deg"):
        m = _usable(metrics, name)
        if m is None:
            continue
        what = "pelvic drop" if name == "pelvic_drop_deg" else "knee collapse (knee moving inward)"
        growing = bool(m.drift and m.drift["significant"] and m.drift["change"] > 0)
        if growing:
            d = m.drift
            out.append(Finding(
                f"{name}_growing", f"The {what} grows late in the clip: {d['early']:.1f} {m.unit} in the first "
                f"third, {d['late']:.1f} {m.unit} in the last third, more than the stride-to-stride spread "
                f"({d['spread']:.1f} {m.unit}). Reference: up to {m.reference.high:g} {m.unit} ({m.reference.source}).",
                [name], "flag", _worst(per_stride, name), [m.reference.source]))
            used.add(name)
        elif _above(m):
            out.append(Finding(
                name, f"The {what} reaches {_says(m)}, above {m.reference.high:g} {m.unit}.",
                [name], "notice", _worst(per_stride, name), [m.reference.source]))
            used.add(name)

    knee = _usable(metrics, "knee_flexion_at_contact_deg")
    if _below(knee):
        out.append(Finding(
            "straight_knee_at_contact", f"The knee is fairly straight at landing: {_says(knee)} of flexion "
            f"(typical {_band(knee)}).", [knee.name], "notice", _worst(per_stride, knee.name, largest=False),
            [knee.reference.source]))
        used.add(knee.name)

    for name in ("cadence_spm", "ground_contact_time_ms", "trunk_lean_deg", "vertical_oscillation_cm",
                 "vertical_ratio_pct"):
        m = _usable(metrics, name)
        if m is None or name in used or m.reference is None:
            continue
        if _above(m) or _below(m):
            where = "above" if _above(m) else "below"
            out.append(Finding(name, f"{label(name)} is {_says(m)}, {where} the typical "
                               f"{_band(m)}.", [name], "info", None, [m.reference.source]))

    for name, m in metrics.items():
        if name == "cadence_spm":
            continue  # per-side cadence restates the step-time asymmetry
        if _usable(metrics, name) and m.symmetry_index_pct is not None and abs(m.symmetry_index_pct) > 10:
            side = "right" if m.symmetry_index_pct > 0 else "left"
            out.append(Finding(
                f"{name}_asymmetry", f"{label(name)} differs between sides: left "
                f"{m.left:.1f}, right {m.right:.1f} {m.unit} (symmetry index {m.symmetry_index_pct:+.0f}%, "
                f"{side} larger).", [name], "info"))
    for name, m in metrics.items():
        if name not in used and _usable(metrics, name) and m.drift and m.drift["significant"]:
            d = m.drift
            out.append(Finding(
                f"{name}_drift", f"{label(name)} changed from {d['early']:.1f} to "
                f"{d['late']:.1f} {m.unit} between the first and last third of the clip, more than the "
                f"stride-to-stride spread ({d['spread']:.1f}).", [name], "info"))
    return out
