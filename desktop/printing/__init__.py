"""PDF documents drawn with ReportLab, with the bundled CJK fonts embedded and subset."""

from reportlab import rl_config

# Streams are Flate-compressed only. ReportLab's default adds ASCII85 on top (for 7-bit
# channels no printer path here has): a tenth more bytes, and pure-Python time at every
# save (13% of a 40-session 卷宗).
rl_config.useA85 = 0
