import SamtalKit
import SwiftUI

/// The app on the service phone: one window, the screens of the Android app in SwiftUI,
/// the core through SamtalKit's adapter over the generated bindings.
@main
struct SamtalApp: App {
    @StateObject var model = AppModel(settings: AppModel.defaultSettings())
    @StateObject var screenGuard = ScreenGuard()

    var body: some Scene {
        WindowGroup {
            RootView(model: model)
                .environmentObject(model)
                .environmentObject(screenGuard)
        }
    }
}

/// The navigation stack over the app model's route, its alerts and notices.
struct RootView: View {
    @ObservedObject var model: AppModel

    var body: some View {
        NavigationStack(path: $model.path) {
            screen(model.root)
                .navigationDestination(for: Route.self) { screen($0) }
        }
        .alert(
            model.alert.map(errorTitle) ?? "",
            isPresented: Binding(get: { model.alert != nil }, set: { if !$0 { model.alert = nil } }),
            presenting: model.alert
        ) { _ in
            Button(L("ok"), role: .cancel) {}
        } message: { error in
            Text(error.message)
        }
        .overlay(alignment: .bottom) { NoticeBanner(notice: $model.notice) }
    }

    @ViewBuilder
    private func screen(_ route: Route) -> some View {
        switch route {
        case .start: StartView()
        case .signIn: SignInView(model: BankIdModel(app: model))
        case .sessions: SessionsView(model: SessionsModel(app: model))
        case .consent: ConsentView(model: ConsentModel(app: model, uiLanguage: L("language_code")))
        case let .micRefused(session): MicRefusedView(session: session, model: RecordingModel(app: model, session: session))
        case let .recording(session): RecordingView(model: RecordingModel(app: model, session: session), recording: model.recording)
        case let .review(session): ReviewView(model: ReviewModel(app: model, session: session))
        case let .citizen(session): CitizenView(model: CitizenModel(app: model, session: session))
        case let .approve(session): ApproveView(model: ApproveModel(app: model, session: session))
        case let .citizenSign(session): CitizenSignView(session: session, model: BankIdModel(app: model))
        case .outbox: OutboxView(model: OutboxModel(app: model))
        case .settings: SettingsView(model: SettingsModel(app: model))
        }
    }

    private func errorTitle(_ error: CoreError) -> String {
        switch error.kind {
        case .network: return L("error_network")
        case .notEnrolled: return L("error_not_enrolled")
        case .signInRequired: return L("error_sign_in")
        case .model: return L("error_model")
        case .audio: return L("error_audio")
        case .refused: return L("error_refused")
        case .invalidInput, .notAllowed: return L("error_not_possible")
        default: return L("error_other")
        }
    }
}

/// Decides where to begin, once.
struct StartView: View {
    @EnvironmentObject var model: AppModel

    var body: some View {
        ProgressView().task { model.start() }
    }
}

/// A short message at the bottom that goes away by itself.
struct NoticeBanner: View {
    @Binding var notice: Notice?

    var body: some View {
        if let notice {
            Text(text(notice))
                .padding()
                .background(.thinMaterial, in: RoundedRectangle(cornerRadius: 12))
                .padding()
                .task {
                    try? await Task.sleep(nanoseconds: 3_000_000_000)
                    self.notice = nil
                }
        }
    }

    private func text(_ notice: Notice) -> String {
        switch notice {
        case .consentRefused: return L("consent_refused_done")
        case .commentSaved: return L("citizen_comment_saved")
        }
    }
}
