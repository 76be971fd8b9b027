# syntax=docker/dockerfile:1
# The nightly job's image: `docker build -t stance .` (BuildKit, the default since Docker 23), then run it as in
# deploy/k8s/cronjob.yaml. How it runs on Kubernetes: docs/kubernetes.md. The tests replay this file's COPY, RUN and
# WORKDIR steps without Docker (tests/Stance.Tests/Deploy/PublishedJobTests.cs), so keep to the plain forms used here.

# Build on the build machine's own platform and publish for the target's: `docker buildx build --platform
# linux/arm64` needs no emulation, since publishing for another architecture only picks other native files.
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
WORKDIR /src

# Restore from the project files alone, in its own layer: a change to the code does not download the packages again.
# .editorconfig: the build treats the analyzers' warnings as errors, with the same rules as CI.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Stance/Stance.csproj src/Stance/
RUN dotnet restore src/Stance/Stance.csproj -a $TARGETARCH

# -a: the target's runtime identifier, so only its llama.cpp and SQLite native files are published (see
# src/Stance/Stance.csproj); framework-dependent, on the runtime image below.
COPY src/Stance/ src/Stance/
RUN dotnet publish src/Stance/Stance.csproj -c Release -a $TARGETARCH --no-restore -o /app

# The .NET runtime alone: the job is a console program, it references no ASP.NET Core.
FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app ./
# The job reads appsettings.json from its content root and prompts/ relative to its working directory: both /app.
COPY appsettings.json ./
COPY prompts/ prompts/

# With a read-only root file system only /tmp (an emptyDir in the pod) is writable. The runtime creates its
# diagnostic socket in $TMPDIR (without a writable one it fails to start: "Failed to create CoreCLR"; then set
# DOTNET_EnableDiagnostics=0), and the job's default state folder is under it too.
ENV TMPDIR=/tmp

# The images' non-root user 'app' (UID 1654), numeric so that Kubernetes can check runAsNonRoot.
USER $APP_UID
ENTRYPOINT ["dotnet", "Stance.dll"]
