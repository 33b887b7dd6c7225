# CPU-only image: builds or updates the index from corpus/ at start-up (incremental), then runs
# the bot (long polling, or webhook mode when WEBHOOK_URL is set).
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 INDEX_DIR=/data/index
WORKDIR /app

# torch first, from the CPU wheel index: the default wheel pulls several GB of CUDA.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0
COPY pyproject.toml constraints.txt README.md ./
COPY bot ./bot
COPY index ./index
RUN pip install -c constraints.txt '.[qdrant]'
COPY corpus ./corpus

RUN useradd --create-home --uid 10001 newsroom && mkdir -p /data && chown newsroom /data
USER newsroom
VOLUME ["/data"]
CMD ["sh", "-c", "python -m index.build -q corpus && exec python -m bot"]
