FROM python:3.11-slim

WORKDIR /app
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY resolvers ./resolvers
RUN pip install --no-cache-dir . && mkdir /data && chown nobody /data

ENV RECGATE_DATA_DIR=/data \
    RECGATE_HOST=0.0.0.0 \
    RECGATE_PORT=8080
VOLUME ["/data"]
EXPOSE 8080
USER nobody
CMD ["uvicorn", "gateway.app:create_app", "--factory", "--host", "0.0.0.0", "--port", "8080", "--ws", "websockets-sansio"]
