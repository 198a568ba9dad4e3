#!/usr/bin/env bash
# Debian's Tesseract (with its French model) reads scanned PDFs (signed deliberations, conventions).
# Install it when we can (root and apt-get); otherwise say, in French, what is missing and how to
# get it. Never fails: without Tesseract a scanned PDF is set aside with a clear reason.
if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx fra; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup : installation de Tesseract (paquets Debian « tesseract-ocr » et « tesseract-ocr-fra ») pour lire les PDF scannés"
  if apt-get update -qq >/dev/null \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-fra >/dev/null; then
    exit 0
  fi
  echo "setup : l'installation de Tesseract a échoué (voir apt-get) ; les PDF scannés seront mis en quarantaine." >&2
  exit 0
fi
cat >&2 <<'MSG'
setup : Tesseract (reconnaissance de caractères, modèle français) est absent et ne peut pas être
        installé ici (il faut être root avec apt-get). Les PDF scannés seront mis en quarantaine
        avec la raison. Pour les lire : « sudo apt-get install tesseract-ocr tesseract-ocr-fra »
        (Debian, Ubuntu) puis relancer cette commande.
MSG
exit 0
