"""综治中心接待与调解工作台.

Front desk, routing and mediation for a comprehensive-governance centre.
"""

__version__ = "0.1.0"
APP_NAME = "zongzhi-desk"
APP_TITLE = "综治中心接待调解工作台"
# Who publishes the program: the setup program, the uninstall entry and the executables'
# version information name it (installer/zongzhi-desk.iss, installer/versioninfo.py).
APP_PUBLISHER = "综治中心接待调解工作台项目组"
