"""Typography: the shipped Noto fonts and printing one line of text in any script.

A core module: accounts use it to refuse a name no font can print, certificates and the
policy brief to print. It imports nothing from the domains.
"""
