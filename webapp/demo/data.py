"""The demo province: units, counters, procedure fields and their dossier volumes.

Names follow the province of Lâm Đồng after the 2025 merger (which absorbed Đắk Nông, whose
district directive hailong was built for), but every figure here is synthetic.
"""

from __future__ import annotations

PROVINCE = ("LD", "Tỉnh Lâm Đồng (demo)", "Lâm Đồng Province (demo)", "province")

# code, Vietnamese name, English name, unit type, relative size, satisfaction offset, trend/month
COMMUNES: tuple[tuple[str, str, str, str, float, float, float], ...] = (
    ("LD-TTHCC", "Trung tâm Phục vụ hành chính công tỉnh", "Provincial Public Service Centre",
     "centre", 3.0, 0.5, 0.0),
    ("LD-GN", "Phường Gia Nghĩa", "Gia Nghia Ward", "ward", 2.0, 0.3, 0.0),
    ("LD-BGN", "Phường Bắc Gia Nghĩa", "Bac Gia Nghia Ward", "ward", 1.2, 0.0, 0.08),
    ("LD-NGN", "Phường Nam Gia Nghĩa", "Nam Gia Nghia Ward", "ward", 1.0, 0.1, 0.0),
    ("LD-DS", "Xã Đắk Song", "Dak Song Commune", "commune", 1.0, -0.6, 0.12),
    ("LD-DA", "Xã Đức An", "Duc An Commune", "commune", 0.8, 0.2, 0.0),
    ("LD-TA", "Xã Thuận An", "Thuan An Commune", "commune", 0.6, -0.2, -0.08),
    ("LD-TX", "Xã Trường Xuân", "Truong Xuan Commune", "commune", 0.5, 0.4, 0.0),
    ("LD-NB", "Xã Nam Bình", "Nam Binh Commune", "commune", 0.3, -0.4, 0.0),
    ("LD-QS", "Xã Quảng Sơn", "Quang Son Commune", "commune", 0.15, 0.0, 0.0),
)

# code, Vietnamese, English, monthly dossiers per unit of relative size 1
FIELDS: tuple[tuple[str, str, str, int], ...] = (
    ("HT", "Hộ tịch", "Civil status", 220),
    ("CT", "Chứng thực", "Certification", 400),
    ("DD", "Đất đai", "Land", 90),
    ("XD", "Xây dựng", "Construction", 25),
    ("KD", "Đăng ký kinh doanh", "Business registration", 40),
    ("LDXH", "Lao động, thương binh và xã hội", "Labour, invalids and social affairs", 60),
)

# national code, Vietnamese name, English name, field code (demo codes, not the national list)
PROCEDURES: tuple[tuple[str, str, str, str], ...] = (
    ("DEMO.HT.01", "Đăng ký khai sinh", "Birth registration", "HT"),
    ("DEMO.HT.02", "Đăng ký kết hôn", "Marriage registration", "HT"),
    ("DEMO.CT.01", "Chứng thực bản sao từ bản chính", "Certified copy", "CT"),
    ("DEMO.DD.01", "Cấp giấy chứng nhận quyền sử dụng đất", "Land-use right certificate", "DD"),
    ("DEMO.XD.01", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "House building permit", "XD"),
    ("DEMO.KD.01", "Đăng ký hộ kinh doanh", "Household business registration", "KD"),
    ("DEMO.LDXH.01", "Giải quyết trợ cấp xã hội hằng tháng", "Monthly social allowance",
     "LDXH"),
)

# Fields where criteria are rated lower (slow, complex procedures), on the logit scale.
FIELD_OFFSETS = {"DD": -0.7, "XD": -0.5, "CT": 0.4}

# Criteria citizens rate worse everywhere in the demo: waiting facilities and fees.
CRITERION_OFFSETS_BY_POSITION = {0: -0.5, 3: -0.3, 6: -0.4}
