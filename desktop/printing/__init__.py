"""PDF documents drawn with ReportLab, with the bundled CJK fonts embedded and subset."""
